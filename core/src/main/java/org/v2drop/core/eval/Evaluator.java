package org.v2drop.core.eval;

import java.util.List;
import org.v2drop.core.bench.Answer;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Prompt;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.video.Videos;

/**
 * The whole chain for one sample of one benchmark with one drop method, without Spark: dataset row
 * → prompt → encoded input → generation with the method's dropping → answer → score. Everything
 * that is the same for every sample (benchmark, parsed method, generation length) is resolved once,
 * when the evaluator is made. A failure anywhere becomes an error result carrying its message,
 * never a missing one. {@link BatchedEvaluator} generates several samples at once around the same
 * steps.
 */
public final class Evaluator {
  private final Engine engine;
  private final Benchmark benchmark;
  private final MethodSpec method;
  private final int maxNewTokens;
  private final Videos videos;

  public Evaluator(Engine engine, Benchmark benchmark, MethodSpec method, int maxNewTokens) {
    this(engine, benchmark, method, maxNewTokens, Videos.NONE);
  }

  /**
   * @param videos where a video benchmark's files are and how many frames of each the model sees
   *     (the sweep's setting for the benchmark and model)
   */
  public Evaluator(
      Engine engine, Benchmark benchmark, MethodSpec method, int maxNewTokens, Videos videos) {
    this.videos = videos;
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max_new_tokens must be >= 1, found " + maxNewTokens);
    }
    this.engine = engine;
    this.benchmark = benchmark;
    this.method = method;
    this.maxNewTokens = maxNewTokens;
  }

  /** Evaluates one sample alone. */
  public SampleResult evaluate(Sample sample) {
    Prompt prompt = null;
    try {
      prompt = toPrompt(sample); // row → prompt text + images
      EncodedInput input = encode(sample, prompt); // → ids, pixels, vision positions
      Generation gen = generate(input); // → tokens, kept tokens per layer, timings
      return answer(sample, prompt.text(), input, gen, 1); // → answer text → score
    } catch (RuntimeException | OutOfMemoryError e) {
      return SampleResult.failed(sample, prompt == null ? null : prompt.text(), e);
    }
  }

  /**
   * The benchmark's question for the sample, in the model's chat template, with the sample's
   * images.
   */
  Prompt toPrompt(Sample sample) {
    return benchmark.toPrompt(sample, engine.chatTemplate(), videos);
  }

  /** The model input; the sample id that seeds the random baseline is {@code benchmark/sample}. */
  EncodedInput encode(Sample sample, Prompt prompt) {
    return engine.encode(prompt, benchmark.name() + "/" + sample.id());
  }

  /** Greedy generation with the method's dropping. */
  Generation generate(EncodedInput input) {
    return engine.generate(input, method, maxNewTokens);
  }

  /** Decodes the generated tokens and scores the answer. */
  SampleResult answer(
      Sample sample, String prompt, EncodedInput input, Generation gen, int batchSize) {
    Answer answer = Answer.of(engine.decode(gen.tokens()));
    SampleScore score = benchmark.score(sample, answer.text());
    return SampleResult.ok(
        sample, prompt, gen, answer.raw(), score, input.visionPositions(), batchSize);
  }

  /**
   * Greedy generation for several inputs at once, each with its own dropping; results in input
   * order.
   */
  List<Generation> generate(List<EncodedInput> inputs) {
    return engine.generate(inputs, method, maxNewTokens);
  }
}
