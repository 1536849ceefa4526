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
 * The whole chain for one sample, without Spark: prompt → encode → generate (with the method's dropping) → decode →
 * score. A failure anywhere becomes an error outcome carrying its message, never a missing row.
 */
public final class SampleEvaluator {
  /** What one evaluation produced; {@code error} is null on success. */
  public record Outcome(String prompt, Generation generation, String response, SampleScore score, String error,
      long[] visionPositions) {}

  private SampleEvaluator() {}

  public static Outcome evaluate(LlavaEngine engine, EngineSpec spec, String benchmarkName, Sample sample,
      String method) {
    String prompt = null;
    try {
      Benchmark benchmark = Benchmarks.byName(benchmarkName);
      MethodSpec methodSpec = MethodSpec.parse(method);
      prompt = benchmark.prompt(sample);
      List<RgbImage> images = new ArrayList<>();
      for (int i = 0; i < sample.images().size(); i++) {
        images.add(ImageDecoder.decode(sample.images().get(i), benchmarkName + " sample " + sample.id() + " image "
            + i));
      }
      EncodedInput input = engine.encode(prompt, images, benchmarkName + "/" + sample.id());
      int maxNew = spec.maxNewTokens(benchmarkName, benchmark.maxNewTokens());
      Generation gen = engine.generate(input, methodSpec, maxNew);
      String response = engine.decode(gen.tokens());
      SampleScore score = benchmark.score(sample, response);
      long[] vision = visionPositions(input, engine.model().config().imageTokenId());
      return new Outcome(prompt, gen, response, score, null, vision);
    } catch (RuntimeException | OutOfMemoryError e) {
      String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
      return new Outcome(prompt, null, null, null, msg, null);
    }
  }

  static long[] visionPositions(EncodedInput input, int imageTokenId) {
    return java.util.stream.IntStream.range(0, input.inputIds().length)
        .filter(i -> input.inputIds()[i] == imageTokenId).mapToLong(i -> i).toArray();
  }

  /** First 16 hex digits of SHA-256 of the prompt. */
  public static String promptHash(String prompt) {
    if (prompt == null) {
      return null;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
