package org.v2drop.core.generate;

import java.util.List;

/**
 * One greedy generation with token dropping: what was generated, what was dropped, and what it
 * cost.
 *
 * @param tokens generated ids (EOS included when reached)
 * @param schedule expanded method spec, e.g. {@code v2drop@3:0.5,17:0.5,22:0}
 * @param stages kept vision positions per drop
 * @param visionTokensPerLayer vision tokens alive in each decoder layer during prefill
 * @param tokensPerLayer all tokens alive in each decoder layer during prefill
 * @param lastLogitsTop5 prefill logits at the last prompt position
 * @param visionMs vision tower + projector
 * @param prefillMs LLM prefill (embedding merge, decoder layers, first token)
 * @param decodeMs LLM decode steps after the first token
 * @param prefillLayerMs wall time of each decoder layer during prefill, the drop step before it
 *     included (a batch's time divided by its size, like the other times; on CPU, where every op
 *     completes before the next starts); the layers of one fused call (those between two drops)
 *     share its time equally
 * @param prefillFlops theoretical prefill FLOPs of the decoder
 * @param liveArraysAfterPrefill NDArrays of this generation alive after prefill (KV caches, state)
 * @param liveArraysAtEnd NDArrays of this generation alive after the last decode step (equal when
 *     nothing leaks)
 * @param visionNativeCalls calls into PyTorch for the vision tower and projector (the whole
 *     batch's), -1 when not counted ({@link Generator#countNativeCalls})
 * @param prefillNativeCalls calls into PyTorch during prefill (the whole batch's), -1 when not
 *     counted
 * @param decodeNativeCalls calls into PyTorch during the decode steps, -1 when not counted
 */
public record Generation(
    long[] tokens,
    String schedule,
    List<KeptStage> stages,
    int[] visionTokensPerLayer,
    int[] tokensPerLayer,
    TopLogits lastLogitsTop5,
    int promptTokens,
    int visionTokens,
    double visionMs,
    double prefillMs,
    double decodeMs,
    double[] prefillLayerMs,
    double prefillFlops,
    int liveArraysAfterPrefill,
    int liveArraysAtEnd,
    long visionNativeCalls,
    long prefillNativeCalls,
    long decodeNativeCalls) {

  /** LLM generate time (prefill + decode), the paper's latency measure. */
  public double totalMs() {
    return prefillMs + decodeMs;
  }

  /** Decode time per generated token after the first (0 when only one token was generated). */
  public double decodeMsPerToken() {
    return tokens.length > 1 ? decodeMs / (tokens.length - 1) : 0;
  }

  /** Layer-averaged vision tokens. */
  public double meanVisionTokens() {
    double s = 0;
    for (int v : visionTokensPerLayer) {
      s += v;
    }
    return visionTokensPerLayer.length == 0 ? 0 : s / visionTokensPerLayer.length;
  }
}
