package org.v2drop.jobs.eval;

/**
 * One row of the metrics report ({@link MetricsTable}): one metric of one cell, with the cell's
 * costs.
 */
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
    boolean main) {}
