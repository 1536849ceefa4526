package org.v2drop.jobs.eval;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.CellColumns;
import org.v2drop.udf.PredictionsTable;

/**
 * The metrics report, computed where the predictions are: the prediction rows of each model ×
 * benchmark are grouped on the executors, where each method's cell is aggregated and compared with
 * vanilla's (bootstrap and paired intervals need both cells' rows), and only the metric rows come
 * back. Only the groups a run evaluated, or whose metrics are missing, are aggregated again; each
 * of their metric cells is committed like a prediction cell ({@link CellWriter#commit}). The
 * driver's memory therefore does not grow with the number of prediction rows.
 */
public final class MetricsJob {
  private MetricsJob() {}

  /** The columns aggregation reads. */
  private static final String[] COLUMNS = {
    PredictionsTable.MODEL,
    PredictionsTable.METHOD,
    PredictionsTable.BENCHMARK,
    PredictionsTable.SAMPLE_ID,
    PredictionsTable.SAMPLE_JSON,
    PredictionsTable.STATUS,
    PredictionsTable.SCHEDULE,
    PredictionsTable.RESPONSE,
    PredictionsTable.PARSED,
    PredictionsTable.SCORE,
    PredictionsTable.TOTAL_MS,
    PredictionsTable.VISION_MS,
    PredictionsTable.MEAN_VISION_TOKENS,
    PredictionsTable.FLOPS
  };

  /**
   * Aggregates the sweep's cells of each (model, benchmark) in {@code groups} from the run's
   * predictions and commits their metric cells (each after checking the run still holds {@code
   * lease}).
   */
  public static void aggregate(
      SparkSession spark,
      Sweep sweep,
      Set<List<String>> groups,
      RunLease lease,
      Consumer<String> progress) {
    if (groups.isEmpty()) {
      return;
    }
    Column inGroups = null;
    for (List<String> g : groups) {
      Column c =
          col(CellColumns.MODEL)
              .equalTo(g.get(0))
              .and(col(CellColumns.BENCHMARK).equalTo(g.get(1)));
      inGroups = inGroups == null ? c : inGroups.or(c);
    }
    Dataset<Row> predictions =
        spark
            .read()
            .parquet(ReportPaths.predictions(sweep.output()))
            .filter(col(CellColumns.RUN_ID).equalTo(sweep.runId()))
            .filter(inGroups)
            .filter(col(CellColumns.METHOD).isin(sweep.methods().toArray()))
            .select(COLUMNS[0], java.util.Arrays.copyOfRange(COLUMNS, 1, COLUMNS.length));
    Dataset<Row> metrics =
        predictions
            .groupByKey(
                (MapFunction<Row, String>)
                    r ->
                        r.<String>getAs(CellColumns.MODEL)
                            + "\u0000"
                            + r.getAs(CellColumns.BENCHMARK),
                Encoders.STRING())
            .flatMapGroups(new GroupMetrics(sweep.runId()), Encoders.row(MetricsTable.SCHEMA));
    String staging = ReportPaths.staging(sweep.output(), sweep.runId() + "-metrics");
    spark.sparkContext().setJobDescription("v2drop metrics of " + groups.size() + " group(s)");
    try {
      metrics
          .drop(CellColumns.RUN_ID)
          .write()
          .mode(SaveMode.Overwrite)
          .partitionBy(CellColumns.MODEL, CellColumns.BENCHMARK, CellColumns.METHOD)
          .parquet(staging);
      int committed = 0;
      for (List<String> g : groups) {
        for (String m : sweep.methods()) {
          String staged =
              CellWriter.partitionPath(
                  CellWriter.partitionPath(
                      CellWriter.partitionPath(staging, CellColumns.MODEL, g.get(0)),
                      CellColumns.BENCHMARK,
                      g.get(1)),
                  CellColumns.METHOD,
                  m);
          if (EvalJob.exists(spark, staged)) {
            lease.check();
            CellWriter.commit(
                spark,
                staged,
                ReportPaths.metrics(sweep.output()),
                sweep.runId(),
                g.get(0),
                g.get(1),
                m);
            committed++;
          }
        }
      }
      progress.accept(
          "metrics of "
              + committed
              + " cell(s) in "
              + groups.size()
              + " model × benchmark group(s) aggregated");
    } finally {
      spark.sparkContext().setJobDescription(null);
      EvalJob.delete(spark, staging);
    }
  }

  /** The run's metric rows of the sweep's cells (a few rows per cell: read on the driver). */
  public static List<MetricRow> read(SparkSession spark, Sweep sweep) {
    String root = ReportPaths.metrics(sweep.output());
    if (!EvalJob.exists(spark, root)) {
      return List.of();
    }
    List<MetricRow> out = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .schema(MetricsTable.SCHEMA)
            .parquet(root)
            .filter(col(CellColumns.RUN_ID).equalTo(sweep.runId()))
            .filter(col(CellColumns.METHOD).isin(sweep.methods().toArray()))
            .collectAsList()) {
      MetricRow m = MetricsTable.fromRow(r);
      if (inSweep(sweep, m)) {
        out.add(m);
      }
    }
    out.sort(order(sweep));
    return out;
  }

  private static boolean inSweep(Sweep sweep, MetricRow m) {
    return sweep.models().stream().anyMatch(x -> x.name().equals(m.model()))
        && sweep.benchmarks().stream().anyMatch(b -> b.name().equals(m.benchmark()));
  }

  /** Model, method and benchmark in the sweep's order, then main metric first, then by name. */
  private static Comparator<MetricRow> order(Sweep sweep) {
    List<String> models = sweep.models().stream().map(Sweep.ModelRef::name).toList();
    List<String> benchmarks = sweep.benchmarks().stream().map(Sweep.BenchmarkRef::name).toList();
    return Comparator.<MetricRow>comparingInt(m -> models.indexOf(m.model()))
        .thenComparingInt(m -> sweep.methods().indexOf(m.method()))
        .thenComparingInt(m -> benchmarks.indexOf(m.benchmark()))
        .thenComparing(m -> !m.main())
        .thenComparing(MetricRow::metric);
  }

  /**
   * One model × benchmark's prediction rows → the metric rows of all its cells (executor side):
   * each method's rows in sample-id order, aggregated, then compared with vanilla's.
   */
  static final class GroupMetrics implements FlatMapGroupsFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String runId;

    GroupMetrics(String runId) {
      this.runId = runId;
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> rows) {
      Map<String, List<Row>> byMethod = new LinkedHashMap<>();
      String model = null;
      String benchmark = null;
      while (rows.hasNext()) {
        Row r = rows.next();
        model = r.getAs(CellColumns.MODEL);
        benchmark = r.getAs(CellColumns.BENCHMARK);
        byMethod.computeIfAbsent(r.getAs(CellColumns.METHOD), k -> new ArrayList<>()).add(r);
      }
      List<CellResult> cells = new ArrayList<>();
      for (Map.Entry<String, List<Row>> m : new java.util.TreeMap<>(byMethod).entrySet()) {
        List<Row> cell = m.getValue();
        cell.sort(
            Comparator.comparing(
                r -> r.<String>getAs(PredictionsTable.SAMPLE_ID),
                Comparator.nullsFirst(Comparator.naturalOrder())));
        cells.add(CellAggregator.aggregate(model, m.getKey(), benchmark, cell));
      }
      List<Row> out = new ArrayList<>();
      for (MetricRow m : MetricsBuilder.rows(runId, cells)) {
        out.add(MetricsTable.toRow(m));
      }
      return out.iterator();
    }
  }

  /** Whether the cell's metrics were committed. */
  static boolean hasMetrics(
      SparkSession spark, Sweep sweep, String model, String benchmark, String method) {
    return EvalJob.exists(
        spark,
        CellWriter.cellPath(
                ReportPaths.metrics(sweep.output()), sweep.runId(), model, benchmark, method)
            + "/"
            + CellWriter.SUCCESS);
  }
}
