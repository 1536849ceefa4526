package org.v2drop.jobs.eval;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The aggregate report: one row per (run, model, method, benchmark, metric). Column names are
 * declared once here.
 */
public final class MetricsTable {
  public static final String METRIC = "metric";
  public static final String VALUE = "value";
  public static final String SAMPLES = "samples";
  public static final String ERRORS = "errors";
  public static final String SAMPLES_PER_S = "samples_per_s";
  public static final String LATENCY_P50_MS = "latency_p50_ms";
  public static final String LATENCY_P95_MS = "latency_p95_ms";
  public static final String MEAN_VISION_TOKENS = "mean_vision_tokens";
  public static final String FLOPS_RATIO = "flops_ratio_vs_vanilla";
  public static final String LATENCY_RATIO = "latency_ratio_vs_vanilla";
  public static final String RETAINED_PCT = "retained_pct";
  public static final String MAIN = "is_main_metric";

  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("model", DataTypes.StringType, false)
          .add("method", DataTypes.StringType, false)
          .add("schedule", DataTypes.StringType, true)
          .add("benchmark", DataTypes.StringType, false)
          .add(METRIC, DataTypes.StringType, false)
          .add(VALUE, DataTypes.DoubleType, true)
          .add(SAMPLES, DataTypes.LongType, false)
          .add(ERRORS, DataTypes.LongType, false)
          .add(SAMPLES_PER_S, DataTypes.DoubleType, true)
          .add(LATENCY_P50_MS, DataTypes.DoubleType, true)
          .add(LATENCY_P95_MS, DataTypes.DoubleType, true)
          .add(MEAN_VISION_TOKENS, DataTypes.DoubleType, true)
          .add(FLOPS_RATIO, DataTypes.DoubleType, true)
          .add(LATENCY_RATIO, DataTypes.DoubleType, true)
          .add(RETAINED_PCT, DataTypes.DoubleType, true)
          .add(MAIN, DataTypes.BooleanType, false);

  private MetricsTable() {}
}
