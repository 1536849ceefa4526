package org.v2drop.jobs.sweep;

import java.util.List;
import java.util.Map;

/**
 * A sweep: models × methods × benchmarks, evaluated into one report location.
 *
 * @param runId identifies the run in every report row; re-running the same id replaces or skips its cells
 * @param output report root (local, hdfs://, s3a://)
 * @param errorRateThreshold a cell whose share of error rows exceeds this fails the job
 * @param maxNewTokens benchmark → max_new_tokens override ("*" = every benchmark)
 * @param partitions Spark partitions per model (0 = twice the default parallelism)
 */
public record Sweep(String runId, String output, List<ModelRef> models, List<String> methods,
    List<BenchmarkRef> benchmarks, Map<String, Integer> maxNewTokens, double errorRateThreshold, int partitions) {

  /** A checkpoint and its name in reports. */
  public record ModelRef(String name, String path) {}

  /**
   * A benchmark and where its dataset repository copy lives.
   *
   * @param split split override, or null for the benchmark's default
   * @param limit evaluate the first N samples by id (0 = all)
   */
  public record BenchmarkRef(String name, String path, String split, int limit) {}
}
