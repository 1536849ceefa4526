package org.v2drop.udf;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-sample report: one row per (run, model, method, benchmark, sample). Column names are
 * declared once here.
 */
public final class Predictions {
  public static final String RUN_ID = "run_id";
  public static final String MODEL = "model";
  public static final String METHOD = "method";
  public static final String SCHEDULE = "schedule";
  public static final String BENCHMARK = "benchmark";
  public static final String SAMPLE_ID = "sample_id";
  public static final String PROMPT_HASH = "prompt_hash";
  public static final String RESPONSE = "response";
  public static final String PARSED = "parsed";
  public static final String SCORE = "score";
  public static final String STATUS = "status";
  public static final String ERROR = "error";
  public static final String VISION_TOKENS_PER_LAYER = "vision_tokens_per_layer";
  public static final String PREFILL_MS = "prefill_ms";
  public static final String DECODE_MS = "decode_ms";
  public static final String TOTAL_MS = "total_ms";
  public static final String NEW_TOKENS = "new_tokens";
  public static final String FLOPS = "flops";
  public static final String EXECUTOR_ID = "executor_id";
  public static final String DEVICE = "device";
  public static final String VISION_MS = "vision_ms";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String MEAN_VISION_TOKENS = "mean_vision_tokens";
  public static final String KEPT_POSITIONS = "kept_positions";
  public static final String VISION_POSITIONS = "vision_positions";
  public static final String SAMPLE_JSON = "sample_json";
  public static final String JVM_ENGINE_LOADS = "jvm_engine_loads";

  /**
   * Samples generated together with this one (1 = alone); its times are the batch's divided by
   * this.
   */
  public static final String BATCH_SIZE = "batch_size";

  public static final String OK = "ok";
  public static final String FAILED = "error";

  public static final StructType SCHEMA =
      new StructType()
          .add(RUN_ID, DataTypes.StringType, false)
          .add(MODEL, DataTypes.StringType, false)
          .add(METHOD, DataTypes.StringType, false)
          .add(SCHEDULE, DataTypes.StringType, true)
          .add(BENCHMARK, DataTypes.StringType, false)
          .add(SAMPLE_ID, DataTypes.StringType, true)
          .add(PROMPT_HASH, DataTypes.StringType, true)
          .add(RESPONSE, DataTypes.StringType, true)
          .add(PARSED, DataTypes.StringType, true)
          .add(SCORE, DataTypes.DoubleType, true)
          .add(STATUS, DataTypes.StringType, false)
          .add(ERROR, DataTypes.StringType, true)
          .add(
              VISION_TOKENS_PER_LAYER,
              DataTypes.createArrayType(DataTypes.IntegerType, false),
              true)
          .add(PREFILL_MS, DataTypes.DoubleType, true)
          .add(DECODE_MS, DataTypes.DoubleType, true)
          .add(TOTAL_MS, DataTypes.DoubleType, true)
          .add(NEW_TOKENS, DataTypes.IntegerType, true)
          .add(FLOPS, DataTypes.DoubleType, true)
          .add(EXECUTOR_ID, DataTypes.StringType, true)
          .add(DEVICE, DataTypes.StringType, true)
          .add(VISION_MS, DataTypes.DoubleType, true)
          .add(PROMPT_TOKENS, DataTypes.IntegerType, true)
          .add(MEAN_VISION_TOKENS, DataTypes.DoubleType, true)
          .add(
              KEPT_POSITIONS,
              DataTypes.createArrayType(
                  DataTypes.createArrayType(DataTypes.IntegerType, false), false),
              true)
          .add(VISION_POSITIONS, DataTypes.createArrayType(DataTypes.IntegerType, false), true)
          .add(SAMPLE_JSON, DataTypes.StringType, true)
          .add(JVM_ENGINE_LOADS, DataTypes.IntegerType, true)
          .add(BATCH_SIZE, DataTypes.IntegerType, true);

  private Predictions() {}
}
