package org.v2drop.core.eval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.generate.Generation;

/**
 * What evaluating one sample produced: its answer and score, or the error that stopped it (then
 * {@code generation}, {@code response} and {@code score} are null). One per input sample, always.
 *
 * @param prompt the prompt text, or null when the sample failed before it was built
 * @param visionPositions (vision tokens) positions of the image tokens in the prompt ids
 * @param batchSize the samples generated together with this one (1 when alone, including a batch's
 *     retry)
 */
public record SampleResult(
    Sample sample,
    String prompt,
    Generation generation,
    String response,
    SampleScore score,
    long[] visionPositions,
    int batchSize,
    String error) {

  static SampleResult ok(
      Sample sample,
      String prompt,
      Generation generation,
      String response,
      SampleScore score,
      long[] visionPositions,
      int batchSize) {
    return new SampleResult(
        sample, prompt, generation, response, score, visionPositions, batchSize, null);
  }

  /** A failure, its message naming the exception type. */
  public static SampleResult failed(Sample sample, String prompt, Throwable e) {
    return new SampleResult(
        sample,
        prompt,
        null,
        null,
        null,
        null,
        1,
        e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  public boolean ok() {
    return error == null;
  }

  /** First 16 hex digits of the SHA-256 of {@code text}; null for null. */
  public static String hash(String text) {
    if (text == null) {
      return null;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
