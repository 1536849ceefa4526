package org.v2drop.udf;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.v2drop.core.eval.SampleResult;
import org.v2drop.core.generate.Generation;

/**
 * The per-sample report: one row per (run, model, method, benchmark, sample). Column names are
 * declared here once, next to the schema and the only code that builds its rows ({@link #ok},
 * {@link #error}), by name.
 */
public final class PredictionsTable {
  public static final String RUN_ID = CellColumns.RUN_ID;
  public static final String MODEL = CellColumns.MODEL;
  public static final String METHOD = CellColumns.METHOD;

  /** The method with its schedule expanded for the model's depth. */
  public static final String SCHEDULE = "schedule";

  public static final String BENCHMARK = CellColumns.BENCHMARK;
  public static final String SAMPLE_ID = SampleTable.SAMPLE_ID;
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
  public static final String DTYPE = "dtype";
  public static final String VISION_MS = "vision_ms";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String MEAN_VISION_TOKENS = "mean_vision_tokens";
  public static final String KEPT_POSITIONS = "kept_positions";
  public static final String VISION_POSITIONS = "vision_positions";
  public static final String SAMPLE_JSON = SampleTable.SAMPLE_JSON;
  public static final String JVM_ENGINE_LOADS = "jvm_engine_loads";

  /**
   * Samples generated together with this one (1 = alone); its times are the batch's divided by
   * this.
   */
  public static final String BATCH_SIZE = "batch_size";

  public static final String FRAMES = "frames";

  /** {@link #STATUS} of a row with an answer. */
  public static final String OK = "ok";

  /** {@link #STATUS} of a row whose sample failed ({@link #ERROR} says why). */
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
          .add(DTYPE, DataTypes.StringType, true)
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
          .add(BATCH_SIZE, DataTypes.IntegerType, true)
          .add(FRAMES, DataTypes.IntegerType, true);

  /**
   * Where a prediction was made: the same for every row of a batch.
   *
   * @param executorId Spark's executor id ("driver" outside executors)
   * @param device how the device is named in reports ({@link DeviceBinding#describe()})
   * @param dtype the compute dtype (float32, float16), null when the model has none
   * @param engineLoads engines loaded by the JVM so far
   */
  public record Provenance(
      String runId,
      String model,
      String executorId,
      String device,
      String dtype,
      int engineLoads,
      Integer frames) {}

  private PredictionsTable() {}

  /**
   * The row of an evaluated sample; {@code in} is its sample row ({@link SampleTable}, with the
   * method).
   */
  public static Row ok(Provenance p, Row in, SampleResult r) {
    Generation g = r.generation();
    int[][] kept = new int[g.stages().size()][];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = ints(g.stages().get(i).keptPositions());
    }
    return common(p, in, r.prompt())
        .set(SCHEDULE, g.schedule())
        .set(RESPONSE, r.response())
        .set(PARSED, r.score().parsed())
        .set(SCORE, r.score().score())
        .set(STATUS, OK)
        .set(VISION_TOKENS_PER_LAYER, g.visionTokensPerLayer().clone())
        .set(PREFILL_MS, g.prefillMs())
        .set(DECODE_MS, g.decodeMs())
        .set(TOTAL_MS, g.totalMs())
        .set(NEW_TOKENS, g.tokens().length)
        .set(FLOPS, g.prefillFlops())
        .set(VISION_MS, g.visionMs())
        .set(PROMPT_TOKENS, g.promptTokens())
        .set(MEAN_VISION_TOKENS, g.meanVisionTokens())
        .set(KEPT_POSITIONS, kept)
        .set(VISION_POSITIONS, ints(r.visionPositions()))
        .set(BATCH_SIZE, r.batchSize())
        .build();
  }

  /**
   * The row of a sample that failed: its identity, where it failed and why; no answer, score or
   * timings.
   */
  public static Row error(Provenance p, Row in, String prompt, String message) {
    return common(p, in, prompt).set(STATUS, FAILED).set(ERROR, message).build();
  }

  private static RowBuilder common(Provenance p, Row in, String prompt) {
    return new RowBuilder(SCHEMA)
        .set(RUN_ID, p.runId())
        .set(MODEL, p.model())
        .set(METHOD, in.getAs(SampleTable.METHOD))
        .set(BENCHMARK, in.getAs(SampleTable.BENCHMARK))
        .set(SAMPLE_ID, in.getAs(SampleTable.SAMPLE_ID))
        .set(PROMPT_HASH, SampleResult.hash(prompt))
        .set(EXECUTOR_ID, p.executorId())
        .set(DEVICE, p.device())
        .set(DTYPE, p.dtype())
        .set(SAMPLE_JSON, in.getAs(SampleTable.SAMPLE_JSON))
        .set(JVM_ENGINE_LOADS, p.engineLoads())
        .set(FRAMES, p.frames());
  }

  private static int[] ints(long[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.toIntExact(values[i]);
    }
    return out;
  }
}
