package org.v2drop.jobs.eval;

import org.v2drop.core.stats.Interval;

/**
 * One row of the metrics report ({@link MetricsTable}): one metric of one cell, with the cell's
 * costs, the comparisons with vanilla and their 95% intervals (null where there is none).
 *
 * @param valueCi bootstrap interval of {@code value}
 * @param retainedCi paired interval of {@code retainedPct}
 * @param latencyRatioCi paired interval of {@code latencyRatio}
 */
public record MetricRow(
    String runId,
    String model,
    String method,
    String schedule,
    String benchmark,
    String metric,
    Double value,
    Interval valueCi,
    long samples,
    long errors,
    double samplesPerS,
    double latencyP50,
    double latencyP95,
    double meanVisionTokens,
    Double flopsRatio,
    Double latencyRatio,
    Interval latencyRatioCi,
    Double retainedPct,
    Interval retainedCi,
    boolean main) {}
