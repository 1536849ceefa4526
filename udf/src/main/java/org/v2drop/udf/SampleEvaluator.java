package org.v2drop.udf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.LlavaEngine;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;

/**
 * The whole chain for one sample, without Spark: prompt → encode → generate (with the method's
 * dropping) → decode → score. A failure anywhere becomes an error outcome carrying its message,
 * never a missing row.
 */
public final class SampleEvaluator {
  /**
   * What one evaluation produced; {@code error} is null on success. {@code batchSize}: the samples
   * generated together with this one (1 when alone, including a batch's retry after a failure).
   */
  public record Outcome(
      String prompt,
      Generation generation,
      String response,
      SampleScore score,
      String error,
      long[] visionPositions,
      int batchSize) {}

  private SampleEvaluator() {}

  public static Outcome evaluate(
      LlavaEngine engine, EngineSpec spec, String benchmarkName, Sample sample, String method) {
    return evaluate(engine, spec, benchmarkName, List.of(sample), method).get(0);
  }

  /**
   * Evaluates samples of one benchmark with one method, generating for all of them at once;
   * outcomes in input order. A sample that fails before generation (bad image, bad question)
   * becomes an error outcome and the rest still run together; if the batched generation itself
   * fails, each sample is retried alone so the error lands on the sample that caused it.
   */
  public static List<Outcome> evaluate(
      LlavaEngine engine,
      EngineSpec spec,
      String benchmarkName,
      List<Sample> samples,
      String method) {
    Outcome[] out = new Outcome[samples.size()];
    Prepared[] prepared = new Prepared[samples.size()];
    List<Integer> ready = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      String prompt = null;
      try {
        Benchmark benchmark = Benchmarks.byName(benchmarkName);
        MethodSpec methodSpec = MethodSpec.parse(method);
        prompt = benchmark.prompt(sample);
        List<RgbImage> images = new ArrayList<>();
        for (int k = 0; k < sample.images().size(); k++) {
          images.add(
              ImageDecoder.decode(
                  sample.images().get(k),
                  benchmarkName + " sample " + sample.id() + " image " + k));
        }
        EncodedInput input = engine.encode(prompt, images, benchmarkName + "/" + sample.id());
        prepared[i] = new Prepared(benchmark, methodSpec, prompt, input);
        ready.add(i);
      } catch (RuntimeException | OutOfMemoryError e) {
        out[i] = failure(prompt, e);
      }
    }
    if (!ready.isEmpty()) {
      Prepared first = prepared[ready.get(0)];
      int maxNew = spec.maxNewTokens(benchmarkName, first.benchmark.maxNewTokens());
      List<Generation> gens = null;
      if (ready.size() > 1) {
        try {
          gens =
              engine.generate(
                  ready.stream().map(i -> prepared[i].input).toList(), first.method, maxNew);
        } catch (RuntimeException | OutOfMemoryError e) {
          gens = null; // retried one at a time below
        }
      }
      for (int k = 0; k < ready.size(); k++) {
        int i = ready.get(k);
        Prepared p = prepared[i];
        try {
          Generation gen = gens != null ? gens.get(k) : engine.generate(p.input, p.method, maxNew);
          String response = engine.decode(gen.tokens());
          SampleScore score = p.benchmark.score(samples.get(i), response);
          long[] vision = visionPositions(p.input, engine.model().config().imageTokenId());
          out[i] =
              new Outcome(
                  p.prompt, gen, response, score, null, vision, gens != null ? ready.size() : 1);
        } catch (RuntimeException | OutOfMemoryError e) {
          out[i] = failure(p.prompt, e);
        }
      }
    }
    return List.of(out);
  }

  /** A sample ready to generate: its benchmark, method, prompt and encoded input. */
  private record Prepared(
      Benchmark benchmark, MethodSpec method, String prompt, EncodedInput input) {}

  private static Outcome failure(String prompt, Throwable e) {
    return new Outcome(
        prompt, null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage(), null, 1);
  }

  static long[] visionPositions(EncodedInput input, int imageTokenId) {
    return java.util.stream.IntStream.range(0, input.inputIds().length)
        .filter(i -> input.inputIds()[i] == imageTokenId)
        .mapToLong(i -> i)
        .toArray();
  }

  /** First 16 hex digits of SHA-256 of the prompt. */
  public static String promptHash(String prompt) {
    if (prompt == null) {
      return null;
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
