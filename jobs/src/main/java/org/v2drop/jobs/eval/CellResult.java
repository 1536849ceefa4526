package org.v2drop.jobs.eval;

import java.util.List;
import java.util.Map;
import org.v2drop.core.bench.Scored;
import org.v2drop.core.stats.Interval;

/**
 * The aggregates of one (model, method, benchmark) cell.
 *
 * @param metrics the benchmark's metrics over the samples that succeeded
 * @param samplesPerS single-stream throughput: samples / Σ(vision + LLM time)
 * @param meanFlops mean theoretical prefill FLOPs
 * @param meanTotalMs mean LLM generate time
 * @param intervals 95% bootstrap interval of each metric
 * @param scored the ok rows, for paired comparisons
 * @param latenciesMs LLM generate time of each row of {@code scored}
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
    double meanTotalMs,
    Map<String, Interval> intervals,
    List<Scored> scored,
    double[] latenciesMs) {

  public double errorRate() {
    return samples == 0 ? 0 : (double) errors / samples;
  }
}
