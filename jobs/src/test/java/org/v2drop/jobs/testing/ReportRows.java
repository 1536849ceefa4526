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
        "error",
        "vision_tokens_per_layer",
        "kept_positions",
        "prompt_hash",
        "new_tokens");
  }

  /**
   * The methods every fault and determinism test runs: V²Drop, FastV (attention rows) and random
   * (seeded per sample and layer: a seed that changed per attempt or a batch that swapped samples'
   * kept sets would show in kept_positions).
   */
  public static final List<String> METHODS =
      List.of("vanilla", "v2drop@2:0.5,4:0.25", "fastv@2:0.5", "random@2:0.3");

  /**
   * The reports can tell runs apart: within each dropping cell the kept sets differ between
   * samples, and the run has several distinct answers — so comparing two runs' predictions is not
   * comparing constants.
   */
  public static void assertDiscriminating(SparkSession spark, String output, String runId) {
    org.apache.spark.sql.Dataset<Row> p =
        spark.read().parquet(ReportPaths.predictions(output)).filter(col("run_id").equalTo(runId));
    for (Row cell :
        p.filter("method != 'vanilla'")
            .groupBy("benchmark", "method")
            .agg(
                org.apache
                    .spark
                    .sql
                    .functions
                    .countDistinct(org.apache.spark.sql.functions.to_json(col("kept_positions")))
                    .as("kept_sets"),
                org.apache.spark.sql.functions.count("*").as("rows"))
            .collectAsList()) {
      long rows = cell.getLong(cell.fieldIndex("rows"));
      long kept = cell.getLong(cell.fieldIndex("kept_sets"));
      org.junit.jupiter.api.Assertions.assertTrue(
          rows < 2 || kept >= 2, "kept sets differ between samples in " + cell);
    }
    long answers = p.select("response").distinct().count();
    org.junit.jupiter.api.Assertions.assertTrue(
        answers >= 3, "the run has several distinct answers, found " + answers);
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
