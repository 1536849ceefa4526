package org.v2drop.core.eval;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.bench.Prompt;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;

/**
 * {@link Evaluator}'s chain for several samples at once: each sample's prompt and input are built
 * alone, the ready ones are generated together in one batch, then each answer is decoded and scored
 * alone. A sample that fails before generation (bad image, bad question) becomes an error result
 * and the rest still run together; if the batched generation itself fails, each sample is generated
 * alone so the error lands on the sample that caused it. Results come back in input order, one per
 * sample.
 */
public final class BatchedEvaluator {
  private final Evaluator evaluator;

  public BatchedEvaluator(Evaluator evaluator) {
    this.evaluator = evaluator;
  }

  /**
   * A sample ready to generate; only its prompt's text is kept (the decoded pictures are done with
   * once the input is encoded).
   */
  private record Ready(int index, Sample sample, String prompt, EncodedInput input) {}

  public List<SampleResult> evaluate(List<Sample> samples) {
    SampleResult[] out = new SampleResult[samples.size()];
    List<Ready> ready = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      Prompt prompt = null;
      try {
        prompt = evaluator.toPrompt(sample);
        ready.add(new Ready(i, sample, prompt.text(), evaluator.encode(sample, prompt)));
      } catch (RuntimeException | OutOfMemoryError e) {
        out[i] = SampleResult.failed(sample, prompt == null ? null : prompt.text(), e);
      }
    }
    List<Generation> gens = generate(ready);
    for (int k = 0; k < ready.size(); k++) {
      Ready r = ready.get(k);
      try {
        Generation gen = gens != null ? gens.get(k) : evaluator.generate(r.input());
        out[r.index()] =
            evaluator.answer(
                r.sample(), r.prompt(), r.input(), gen, gens != null ? ready.size() : 1);
      } catch (RuntimeException | OutOfMemoryError e) {
        out[r.index()] = SampleResult.failed(r.sample(), r.prompt(), e);
      }
    }
    return List.of(out);
  }

  /** The ready samples generated together; null when that failed (each is then generated alone). */
  private List<Generation> generate(List<Ready> ready) {
    if (ready.size() < 2) {
      return null; // nothing to batch: a lone sample takes the single-sample path
    }
    try {
      return evaluator.generate(ready.stream().map(Ready::input).toList());
    } catch (RuntimeException | OutOfMemoryError e) {
      return null;
    }
  }
}
