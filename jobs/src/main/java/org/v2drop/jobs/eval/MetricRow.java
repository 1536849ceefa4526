package org.v2drop.jobs.eval;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** One row of the metrics report (see {@link MetricsTable#SCHEMA}). */
public record MetricRow(
    String runId,
    String model,
    String method,
    String schedule,
    String benchmark,
    String metric,
    Double value,
    long samples,
    long errors,
    double samplesPerS,
    double latencyP50,
    double latencyP95,
    double meanVisionTokens,
    Double flopsRatio,
    Double latencyRatio,
    Double retainedPct,
    boolean main) {

  public Row toRow() {
    return RowFactory.create(
        runId,
        model,
        method,
        schedule,
        benchmark,
        metric,
        value,
        samples,
        errors,
        nan(samplesPerS),
        nan(latencyP50),
        nan(latencyP95),
        nan(meanVisionTokens),
        flopsRatio,
        latencyRatio,
        retainedPct,
        main);
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
