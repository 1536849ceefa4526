package org.v2drop.jobs.eval;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.v2drop.core.stats.Interval;
import org.v2drop.udf.CellColumns;
import org.v2drop.udf.PredictionsTable;
import org.v2drop.udf.RowBuilder;

/**
 * The aggregate report: one row per (run, model, method, benchmark, metric). Column names are
 * declared here once, next to the schema and the only code that builds its rows ({@link #toRow}),
 * by name.
 */
public final class MetricsTable {
  public static final String RUN_ID = CellColumns.RUN_ID;
  public static final String MODEL = CellColumns.MODEL;
  public static final String METHOD = CellColumns.METHOD;
  public static final String SCHEDULE = PredictionsTable.SCHEDULE;
  public static final String BENCHMARK = CellColumns.BENCHMARK;
  public static final String METRIC = "metric";
  public static final String VALUE = "value";

  /** 95% bootstrap interval of the value, resampling the benchmark's scoring units. */
  public static final String VALUE_CI_LOW = "value_ci_low";

  public static final String VALUE_CI_HIGH = "value_ci_high";
  public static final String SAMPLES = "samples";
  public static final String ERRORS = "errors";
  public static final String SAMPLES_PER_S = "samples_per_s";
  public static final String LATENCY_P50_MS = "latency_p50_ms";
  public static final String LATENCY_P95_MS = "latency_p95_ms";
  public static final String MEAN_VISION_TOKENS = "mean_vision_tokens";
  public static final String FLOPS_RATIO = "flops_ratio_vs_vanilla";
  public static final String LATENCY_RATIO = "latency_ratio_vs_vanilla";

  /** Paired 95% interval of the latency ratio (the same resampled units in both cells). */
  public static final String LATENCY_RATIO_CI_LOW = "latency_ratio_ci_low";

  public static final String LATENCY_RATIO_CI_HIGH = "latency_ratio_ci_high";
  public static final String RETAINED_PCT = "retained_pct";

  /** Paired 95% interval of the retained percentage. */
  public static final String RETAINED_PCT_CI_LOW = "retained_pct_ci_low";

  public static final String RETAINED_PCT_CI_HIGH = "retained_pct_ci_high";
  public static final String MAIN = "is_main_metric";

  public static final StructType SCHEMA =
      new StructType()
          .add(RUN_ID, DataTypes.StringType, false)
          .add(MODEL, DataTypes.StringType, false)
          .add(METHOD, DataTypes.StringType, false)
          .add(SCHEDULE, DataTypes.StringType, true)
          .add(BENCHMARK, DataTypes.StringType, false)
          .add(METRIC, DataTypes.StringType, false)
          .add(VALUE, DataTypes.DoubleType, true)
          .add(VALUE_CI_LOW, DataTypes.DoubleType, true)
          .add(VALUE_CI_HIGH, DataTypes.DoubleType, true)
          .add(SAMPLES, DataTypes.LongType, false)
          .add(ERRORS, DataTypes.LongType, false)
          .add(SAMPLES_PER_S, DataTypes.DoubleType, true)
          .add(LATENCY_P50_MS, DataTypes.DoubleType, true)
          .add(LATENCY_P95_MS, DataTypes.DoubleType, true)
          .add(MEAN_VISION_TOKENS, DataTypes.DoubleType, true)
          .add(FLOPS_RATIO, DataTypes.DoubleType, true)
          .add(LATENCY_RATIO, DataTypes.DoubleType, true)
          .add(LATENCY_RATIO_CI_LOW, DataTypes.DoubleType, true)
          .add(LATENCY_RATIO_CI_HIGH, DataTypes.DoubleType, true)
          .add(RETAINED_PCT, DataTypes.DoubleType, true)
          .add(RETAINED_PCT_CI_LOW, DataTypes.DoubleType, true)
          .add(RETAINED_PCT_CI_HIGH, DataTypes.DoubleType, true)
          .add(MAIN, DataTypes.BooleanType, false);

  private MetricsTable() {}

  /** The report row of {@code m}; NaN costs (no successful sample) become nulls. */
  public static Row toRow(MetricRow m) {
    return new RowBuilder(SCHEMA)
        .set(RUN_ID, m.runId())
        .set(MODEL, m.model())
        .set(METHOD, m.method())
        .set(SCHEDULE, m.schedule())
        .set(BENCHMARK, m.benchmark())
        .set(METRIC, m.metric())
        .set(VALUE, m.value())
        .set(VALUE_CI_LOW, m.valueCi() == null ? null : m.valueCi().low())
        .set(VALUE_CI_HIGH, m.valueCi() == null ? null : m.valueCi().high())
        .set(SAMPLES, m.samples())
        .set(ERRORS, m.errors())
        .set(SAMPLES_PER_S, orNull(m.samplesPerS()))
        .set(LATENCY_P50_MS, orNull(m.latencyP50()))
        .set(LATENCY_P95_MS, orNull(m.latencyP95()))
        .set(MEAN_VISION_TOKENS, orNull(m.meanVisionTokens()))
        .set(FLOPS_RATIO, m.flopsRatio())
        .set(LATENCY_RATIO, m.latencyRatio())
        .set(LATENCY_RATIO_CI_LOW, m.latencyRatioCi() == null ? null : m.latencyRatioCi().low())
        .set(LATENCY_RATIO_CI_HIGH, m.latencyRatioCi() == null ? null : m.latencyRatioCi().high())
        .set(RETAINED_PCT, m.retainedPct())
        .set(RETAINED_PCT_CI_LOW, m.retainedCi() == null ? null : m.retainedCi().low())
        .set(RETAINED_PCT_CI_HIGH, m.retainedCi() == null ? null : m.retainedCi().high())
        .set(MAIN, m.main())
        .build();
  }

  /**
   * The metric row of a report row (read back by name; nulls stay null, NaN costs come back NaN).
   */
  public static MetricRow fromRow(Row r) {
    return new MetricRow(
        r.getAs(RUN_ID),
        r.getAs(MODEL),
        r.getAs(METHOD),
        r.getAs(SCHEDULE),
        r.getAs(BENCHMARK),
        r.getAs(METRIC),
        r.getAs(VALUE),
        interval(r, VALUE_CI_LOW, VALUE_CI_HIGH),
        r.<Long>getAs(SAMPLES),
        r.<Long>getAs(ERRORS),
        orNaN(r.getAs(SAMPLES_PER_S)),
        orNaN(r.getAs(LATENCY_P50_MS)),
        orNaN(r.getAs(LATENCY_P95_MS)),
        orNaN(r.getAs(MEAN_VISION_TOKENS)),
        r.getAs(FLOPS_RATIO),
        r.getAs(LATENCY_RATIO),
        interval(r, LATENCY_RATIO_CI_LOW, LATENCY_RATIO_CI_HIGH),
        r.getAs(RETAINED_PCT),
        interval(r, RETAINED_PCT_CI_LOW, RETAINED_PCT_CI_HIGH),
        r.<Boolean>getAs(MAIN));
  }

  private static Interval interval(Row r, String low, String high) {
    Double lo = r.getAs(low);
    Double hi = r.getAs(high);
    return lo == null || hi == null ? null : new Interval(lo, hi);
  }

  private static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
