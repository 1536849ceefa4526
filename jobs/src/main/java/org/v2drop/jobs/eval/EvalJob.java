package org.v2drop.jobs.eval;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.data.BenchmarkReader;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.EngineSpec;
import org.v2drop.udf.EvaluatePartition;
import org.v2drop.udf.Predictions;

/**
 * The sweep job: read samples → cross with methods → {@code mapPartitions(EvaluatePartition)} → write predictions →
 * aggregate cells → write metrics → print the summary. Complete cells of the same run id are skipped unless forced.
 * Each cell is one partition directory ({@code run_id=/model=/benchmark=/method=}) replaced by a static overwrite of
 * that directory alone, so reruns replace only their cells and the writes work with the S3A committers (which do not
 * support Spark's dynamic partition overwrite).
 */
public final class EvalJob {
  /** The outcome of a run. */
  public record Result(List<MetricRow> metrics, List<String> skippedCells, List<String> failedCells) {}

  private EvalJob() {}

  public static Result run(SparkSession spark, Sweep sweep, boolean force, Consumer<String> progress) {
    Set<String> done = force ? Set.of() : completeCells(spark, sweep);
    List<String> skipped = new ArrayList<>();
    for (Sweep.ModelRef model : sweep.models()) {
      EngineSpec spec = new EngineSpec(sweep.runId(), model.name(), model.path(), sweep.maxNewTokens(),
          remoteFetchConf(spark));
      Dataset<Row> samples = null;
      List<String[]> todoCells = new ArrayList<>();
      List<String> methods = sweep.methods();
      for (Sweep.BenchmarkRef b : sweep.benchmarks()) {
        List<String> todo = methods.stream().filter(m -> !done.contains(cell(model.name(), m, b.name()))).toList();
        methods.stream().filter(m -> done.contains(cell(model.name(), m, b.name())))
            .forEach(m -> skipped.add(cell(model.name(), m, b.name())));
        if (todo.isEmpty()) {
          continue;
        }
        todo.forEach(m -> todoCells.add(new String[] {b.name(), m}));
        Dataset<Row> rows = BenchmarkReader.read(spark, b.name(), b.path(), b.split(), b.limit())
            .crossJoin(spark.createDataset(todo, Encoders.STRING()).toDF(EvaluatePartition.METHOD));
        samples = samples == null ? rows : samples.unionByName(rows);
      }
      if (samples == null) {
        progress.accept(model.name() + ": every cell is complete; skipped (use --force to recompute)");
        continue;
      }
      int partitions = sweep.partitions() > 0 ? sweep.partitions()
          : Math.max(2, 2 * spark.sparkContext().defaultParallelism());
      Dataset<Row> predictions = samples.repartition(partitions, col("sample_id"), col(EvaluatePartition.METHOD))
          .mapPartitions(new EvaluatePartition(spec), Encoders.row(Predictions.SCHEMA));
      progress.accept(model.name() + ": evaluating " + todoCells.size() + " cell(s) on " + partitions
          + " partitions");
      // one evaluation pass into a private staging folder, then each cell is committed to its own partition
      String staging = ReportPaths.staging(sweep.output(), sweep.runId());
      try {
        predictions.write().mode(SaveMode.Overwrite).partitionBy(Predictions.BENCHMARK, Predictions.METHOD)
            .parquet(staging);
        for (String[] c : todoCells) {
          String cellDir = CellWriter.partitionPath(CellWriter.partitionPath(staging, Predictions.BENCHMARK, c[0]),
              Predictions.METHOD, c[1]);
          if (!exists(spark, cellDir)) {
            progress.accept(model.name() + ": " + c[0] + " has no samples; nothing to write for " + c[1]);
            continue;
          }
          CellWriter.overwrite(spark.read().parquet(cellDir), ReportPaths.predictions(sweep.output()),
              sweep.runId(), model.name(), c[0], c[1]);
        }
      } finally {
        delete(spark, staging);
      }
    }
    List<CellResult> cells = aggregate(spark, sweep);
    List<MetricRow> metrics = MetricsBuilder.rows(sweep.runId(), cells);
    // every cell of the run is re-aggregated, so the run's metrics partition is replaced whole
    spark.createDataFrame(metrics.stream().map(MetricRow::toRow).toList(), MetricsTable.SCHEMA)
        .drop("run_id").coalesce(1).write().mode(SaveMode.Overwrite).partitionBy("model", "benchmark", "method")
        .parquet(CellWriter.partitionPath(ReportPaths.metrics(sweep.output()), "run_id", sweep.runId()));
    List<String> failed = new ArrayList<>();
    for (CellResult c : cells) {
      if (c.errorRate() > sweep.errorRateThreshold()) {
        failed.add(cell(c.model(), c.method(), c.benchmark()) + " error rate " + c.errors() + "/" + c.samples());
      }
    }
    return new Result(metrics, skipped, failed);
  }

  /** Aggregates every cell of the sweep from the written predictions (this run id only). */
  private static List<CellResult> aggregate(SparkSession spark, Sweep sweep) {
    Dataset<Row> all = spark.read().parquet(ReportPaths.predictions(sweep.output()))
        .filter(col("run_id").equalTo(sweep.runId()));
    Map<String, List<Row>> byCell = new LinkedHashMap<>();
    for (Row r : all.select(Predictions.MODEL, Predictions.METHOD, Predictions.BENCHMARK, Predictions.SAMPLE_ID,
        Predictions.SAMPLE_JSON, Predictions.STATUS, Predictions.SCHEDULE, Predictions.RESPONSE, Predictions.PARSED,
        Predictions.SCORE, Predictions.TOTAL_MS, Predictions.VISION_MS, Predictions.MEAN_VISION_TOKENS,
        Predictions.FLOPS).orderBy(Predictions.SAMPLE_ID).collectAsList()) {
      byCell.computeIfAbsent(cell(r.getAs(Predictions.MODEL), r.getAs(Predictions.METHOD),
          r.getAs(Predictions.BENCHMARK)), k -> new ArrayList<>()).add(r);
    }
    List<CellResult> out = new ArrayList<>();
    for (Sweep.ModelRef m : sweep.models()) {
      for (String method : sweep.methods()) {
        for (Sweep.BenchmarkRef b : sweep.benchmarks()) {
          List<Row> rows = byCell.get(cell(m.name(), method, b.name()));
          if (rows != null) {
            out.add(CellAggregator.aggregate(m.name(), method, b.name(), rows));
          }
        }
      }
    }
    return out;
  }

  /** Cells of this run id already in the metrics report. */
  private static Set<String> completeCells(SparkSession spark, Sweep sweep) {
    String metrics = ReportPaths.metrics(sweep.output());
    if (!exists(spark, metrics)) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (Row r : spark.read().parquet(metrics).filter(col("run_id").equalTo(sweep.runId()))
        .select("model", "method", "benchmark").distinct().collectAsList()) {
      out.add(cell(r.getString(0), r.getString(1), r.getString(2)));
    }
    return out;
  }

  private static boolean exists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot check " + path + ": " + e.getMessage(), e);
    }
  }

  private static void delete(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (java.io.IOException e) {
      System.err.println("eval: could not remove staging folder " + path + ": " + e.getMessage());
    }
  }

  static String cell(String model, String method, String benchmark) {
    return model + " × " + method + " × " + benchmark;
  }

  /**
   * Hadoop settings executors need to fetch remote checkpoints: every {@code fs.s3a.*} setting except secrets, and the
   * credential provider path. Keys, secrets and tokens never leave the driver's configuration.
   */
  static Map<String, String> remoteFetchConf(SparkSession spark) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : spark.sparkContext().hadoopConfiguration()) {
      String k = e.getKey();
      boolean s3a = k.startsWith("fs.s3a.") && !isSecret(k);
      if (s3a || k.equals("hadoop.security.credential.provider.path")) {
        out.put(k, e.getValue());
      }
    }
    return out;
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("secret") || k.contains("access.key") || k.contains("session.token") || k.contains("password")
        || k.contains("encryption.key");
  }
}
