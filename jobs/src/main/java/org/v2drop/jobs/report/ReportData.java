package org.v2drop.jobs.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.v2drop.jobs.eval.MetricRow;
import org.v2drop.jobs.eval.MetricsTable;
import org.v2drop.jobs.eval.ReportPaths;
import org.v2drop.udf.CellColumns;
import org.v2drop.udf.PredictionsTable;

/**
 * What the report page shows of one run, gathered with Spark: the run's metric rows, and from its
 * prediction rows only aggregates (mean vision / prefill / decode time per cell, a histogram of
 * where the kept vision tokens lie per model and method, the devices). The driver receives a few
 * rows per cell whatever the number of predictions.
 *
 * @param metrics every metric row of the run, in model, benchmark, method, metric order
 * @param latency median times of the ok rows of each cell
 * @param kept per model and method: how many kept vision tokens fell into each of {@link #BINS}
 *     equal slices of the image's tokens (0 = the first), at each row's last drop
 * @param devices the devices rows were generated on
 * @param dtypes each model's compute dtypes as the rows record them ("model: float16")
 */
public record ReportData(
    List<MetricRow> metrics,
    List<Latency> latency,
    Map<List<String>, long[]> kept,
    List<String> devices,
    List<String> dtypes) {
  /** Slices of the vision span in the kept-position histogram. */
  public static final int BINS = 24;

  /** Median times of one cell's ok rows, and its mean prefill FLOPs. */
  public record Latency(
      String model,
      String benchmark,
      String method,
      long rows,
      double visionMs,
      double prefillMs,
      double decodeMs,
      double flops) {}

  private static final String BINS_UDF = "v2drop_kept_bins";

  /**
   * The median (the first samples of an executor carry its warm-up, which would dominate a mean).
   */
  private static org.apache.spark.sql.Column median(String column) {
    return org.apache.spark.sql.functions.percentile_approx(col(column), lit(0.5), lit(10000));
  }

  public static ReportData load(SparkSession spark, String output, String runId) {
    List<MetricRow> metrics = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .schema(MetricsTable.SCHEMA)
            .parquet(ReportPaths.metrics(output))
            .filter(col(CellColumns.RUN_ID).equalTo(runId))
            .collectAsList()) {
      metrics.add(MetricsTable.fromRow(r));
    }
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException(
          "no metrics of run '" + runId + "' under " + ReportPaths.metrics(output));
    }
    metrics.sort(
        Comparator.comparing(MetricRow::model)
            .thenComparing(MetricRow::benchmark)
            .thenComparing(m -> m.method().equals("vanilla") ? "" : m.method())
            .thenComparing(m -> !m.main())
            .thenComparing(MetricRow::metric));

    Dataset<Row> preds =
        spark
            .read()
            .parquet(ReportPaths.predictions(output))
            .filter(col(CellColumns.RUN_ID).equalTo(runId));
    Dataset<Row> ok = preds.filter(col(PredictionsTable.STATUS).equalTo(PredictionsTable.OK));
    List<Latency> latency = new ArrayList<>();
    for (Row r :
        ok.groupBy(CellColumns.MODEL, CellColumns.BENCHMARK, CellColumns.METHOD)
            .agg(
                count(lit(1)),
                median(PredictionsTable.VISION_MS),
                median(PredictionsTable.PREFILL_MS),
                median(PredictionsTable.DECODE_MS),
                avg(PredictionsTable.FLOPS))
            .orderBy(CellColumns.MODEL, CellColumns.BENCHMARK, CellColumns.METHOD)
            .collectAsList()) {
      latency.add(
          new Latency(
              r.getString(0),
              r.getString(1),
              r.getString(2),
              r.getLong(3),
              r.getDouble(4),
              r.getDouble(5),
              r.getDouble(6),
              r.getDouble(7)));
    }

    spark
        .udf()
        .register(
            BINS_UDF,
            (UDF2<
                    scala.collection.Seq<scala.collection.Seq<Integer>>,
                    scala.collection.Seq<Integer>,
                    int[]>)
                ReportData::bins,
            DataTypes.createArrayType(DataTypes.IntegerType));
    Map<List<String>, long[]> kept = new LinkedHashMap<>();
    for (Row r :
        ok.filter(
                col(PredictionsTable.KEPT_POSITIONS)
                    .isNotNull()
                    .and(
                        org.apache
                            .spark
                            .sql
                            .functions
                            .size(col(PredictionsTable.KEPT_POSITIONS))
                            .gt(0)))
            .select(
                col(CellColumns.MODEL),
                col(CellColumns.METHOD),
                explode(
                        call_udf(
                            BINS_UDF,
                            col(PredictionsTable.KEPT_POSITIONS),
                            col(PredictionsTable.VISION_POSITIONS)))
                    .as("bin"))
            .groupBy(CellColumns.MODEL, CellColumns.METHOD, "bin")
            .count()
            .orderBy(CellColumns.MODEL, CellColumns.METHOD, "bin")
            .collectAsList()) {
      kept.computeIfAbsent(List.of(r.getString(0), r.getString(1)), k -> new long[BINS])[
              r.getInt(2)] +=
          r.getLong(3);
    }

    List<String> devices =
        preds
            .select(PredictionsTable.DEVICE)
            .distinct()
            .as(Encoders.STRING())
            .map((MapFunction<String, String>) d -> d == null ? "(none)" : d, Encoders.STRING())
            .collectAsList();
    List<String> dtypes = new ArrayList<>();
    if (java.util.Arrays.asList(preds.columns()).contains(PredictionsTable.DTYPE)) {
      for (Row r :
          preds
              .select(PredictionsTable.MODEL, PredictionsTable.DTYPE)
              .where(col(PredictionsTable.DTYPE).isNotNull())
              .distinct()
              .collectAsList()) {
        dtypes.add(r.getString(0) + ": " + r.getString(1));
      }
    }
    return new ReportData(
        metrics,
        latency,
        kept,
        List.copyOf(new TreeSet<>(devices)),
        List.copyOf(new TreeSet<>(dtypes)));
  }

  /**
   * The slice of the vision span each token kept at the row's last drop falls in: its index among
   * the row's vision positions (ascending), scaled to {@link #BINS} slices.
   */
  static int[] bins(
      scala.collection.Seq<scala.collection.Seq<Integer>> stages,
      scala.collection.Seq<Integer> vision) {
    if (stages == null || stages.isEmpty() || vision == null || vision.isEmpty()) {
      return new int[0];
    }
    int[] positions = new int[vision.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = vision.apply(i);
    }
    scala.collection.Seq<Integer> last = stages.apply(stages.size() - 1);
    int[] out = new int[last.size()];
    int n = positions.length;
    for (int k = 0; k < out.length; k++) {
      int i = Arrays.binarySearch(positions, last.apply(k));
      double rel = n <= 1 || i < 0 ? 0 : (double) i / (n - 1);
      out[k] = Math.min(BINS - 1, (int) (rel * BINS));
    }
    return out;
  }

  /** The run's errors and rows over its main-metric cells. */
  long[] samplesAndErrors() {
    long samples = 0;
    long errors = 0;
    for (MetricRow m : metrics) {
      if (m.main()) {
        samples += m.samples();
        errors += m.errors();
      }
    }
    return new long[] {samples, errors};
  }
}
