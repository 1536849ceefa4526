package org.v2drop.jobs.eval;

import java.util.Map;

/**
 * The aggregates of one (model, method, benchmark) cell.
 *
 * @param metrics the benchmark's metrics over the samples that succeeded
 * @param samplesPerS single-stream throughput: samples / Σ(vision + LLM time)
 * @param meanFlops mean theoretical prefill FLOPs
 * @param meanTotalMs mean LLM generate time
 */
public record CellResult(
    String model,
    String method,
    String schedule,
    String benchmark,
    String mainMetric,
    Map<String, Double> metrics,
    long samples,
    long errors,
    double samplesPerS,
    double latencyP50,
    double latencyP95,
    double meanVisionTokens,
    double meanFlops,
    double meanTotalMs) {

  public double errorRate() {
    return samples == 0 ? 0 : (double) errors / samples;
  }
}
