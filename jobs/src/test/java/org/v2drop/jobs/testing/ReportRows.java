package org.v2drop.jobs.testing;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.eval.ReportPaths;

/**
 * One run's reports read back as sorted lines of the columns that must not differ between two runs.
 */
public final class ReportRows {
  private ReportRows() {}

  /**
   * Predictions: what was answered and scored, and which tokens were kept (no timings, executors or
   * devices).
   */
  public static List<String> predictions(SparkSession spark, String output, String runId) {
    return lines(
        spark,
        ReportPaths.predictions(output),
        runId,
        "benchmark",
        "method",
        "sample_id",
        "response",
        "parsed",
        "score",
        "status",
        "vision_tokens_per_layer");
  }

  /** Metrics: values, counts and budgets (no latencies). */
  public static List<String> metrics(SparkSession spark, String output, String runId) {
    return lines(
        spark,
        ReportPaths.metrics(output),
        runId,
        "benchmark",
        "method",
        "metric",
        "value",
        "samples",
        "errors",
        "mean_vision_tokens",
        "flops_ratio_vs_vanilla");
  }

  private static List<String> lines(
      SparkSession spark, String path, String runId, String... columns) {
    List<String> out = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .parquet(path)
            .filter(col("run_id").equalTo(runId))
            .select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length))
            .collectAsList()) {
      out.add(r.mkString("|"));
    }
    out.sort(String::compareTo);
    return out;
  }
}
