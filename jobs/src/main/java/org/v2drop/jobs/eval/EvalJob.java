package org.v2drop.jobs.eval;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.DatasetLayout;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.MethodSpecException;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.jobs.data.BenchmarkReader;
import org.v2drop.jobs.report.ReportPage;
import org.v2drop.jobs.report.RunInfo;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepException;
import org.v2drop.udf.EngineSpec;
import org.v2drop.udf.EvaluatePartition;
import org.v2drop.udf.PredictionsTable;
import org.v2drop.udf.SampleTable;

/**
 * The sweep job: read samples → cross with methods → {@code mapPartitions(EvaluatePartition)} →
 * write predictions → aggregate cells → write metrics → print the summary. Complete cells of the
 * same run id are skipped unless forced. Each cell is one partition directory ({@code
 * run_id=/model=/benchmark=/method=}) replaced by a static overwrite of that directory alone, so
 * reruns replace only their cells and the writes work with the S3A committers (which do not support
 * Spark's dynamic partition overwrite). Cells are evaluated in passes of one model × benchmark (its
 * pending methods together), {@link Sweep#passesInFlight} at once, and committed as each pass
 * finishes, so a rerun after a crash skips the committed cells (their {@code _SUCCESS} marker) and
 * recomputes the rest.
 */
public final class EvalJob {
  /** The outcome of a run. */
  /**
   * The outcome of a run.
   *
   * @param reportPage the run's report page, or null when it could not be written
   */
  public record Result(
      List<MetricRow> metrics,
      List<String> skippedCells,
      List<String> failedCells,
      String reportPage) {}

  private EvalJob() {}

  /** Runs {@code sweep}, failing at once when another live run holds its run id's lease. */
  public static Result run(SparkSession spark, Sweep sweep, boolean force, Consumer<String> sink) {
    return run(spark, sweep, force, RunLease.Mode.FAIL, sink);
  }

  /**
   * Runs {@code sweep} under its run id's lease ({@link RunLease}), taken before anything under the
   * output is touched; {@code leaseMode} says what to do when another live run holds it.
   */
  public static Result run(
      SparkSession spark,
      Sweep sweep,
      boolean force,
      RunLease.Mode leaseMode,
      Consumer<String> sink) {
    return run(spark, sweep, force, leaseMode, null, sink);
  }

  /**
   * The same, naming where the sweep came from ({@code source}: its file, for the report page); at
   * the end the run's page is written beside its reports ({@link ReportPage}).
   */
  public static Result run(
      SparkSession spark,
      Sweep sweep,
      boolean force,
      RunLease.Mode leaseMode,
      String source,
      Consumer<String> sink) {
    java.time.Instant started = java.time.Instant.now();
    long t0 = System.nanoTime();
    Consumer<String> progress = // passes in flight report from their own threads
        msg -> {
          synchronized (sink) {
            sink.accept(msg);
          }
        };
    checkSchedules(spark, sweep);
    try (RunLease lease =
        RunLease.acquire(
            spark.sparkContext().hadoopConfiguration(),
            sweep.output(),
            sweep.runId(),
            leaseMode,
            RunLease.settings(spark.sparkContext().getConf()),
            progress)) {
      lease.check();
      removeDeadStaging(spark, sweep, progress);
      Result r = runLeased(spark, sweep, force, lease, progress);
      lease.check();
      String page =
          writeReport(spark, sweep, source, started, (System.nanoTime() - t0) / 1e9, progress);
      return new Result(r.metrics(), r.skippedCells(), r.failedCells(), page);
    }
  }

  /**
   * The run's information and its report page, beside its reports; a page that cannot be written is
   * reported (the reports themselves are complete), not fatal.
   */
  private static String writeReport(
      SparkSession spark,
      Sweep sweep,
      String source,
      java.time.Instant started,
      double wallSeconds,
      Consumer<String> progress) {
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      RunInfo.of(sweep, source, conf, started, wallSeconds).write(conf, sweep.output());
      String page = ReportPage.write(spark, sweep.output(), sweep.runId()).toString();
      progress.accept("report page: " + page);
      return page;
    } catch (RuntimeException e) {
      progress.accept("could not write the report page: " + e.getMessage());
      return null;
    }
  }

  private static Result runLeased(
      SparkSession spark, Sweep sweep, boolean force, RunLease lease, Consumer<String> progress) {
    List<String> skipped = new ArrayList<>();
    Set<List<String>> toAggregate = new LinkedHashSet<>(); // (model, benchmark)
    List<Runnable> passes = new ArrayList<>();
    for (Sweep.ModelRef model : sweep.models()) {
      EngineSpec spec = engineSpec(spark, sweep, model);
      List<String> committed = new ArrayList<>();
      for (Sweep.BenchmarkRef b : sweep.benchmarks()) {
        List<String> todo = new ArrayList<>();
        boolean metricsMissing = false;
        for (String m : sweep.methods()) {
          if (!force && isComplete(spark, sweep, model.name(), b.name(), m)) {
            committed.add(
                CellWriter.cellPath(
                    ReportPaths.predictions(sweep.output()),
                    sweep.runId(),
                    model.name(),
                    b.name(),
                    m));
            skipped.add(cell(model.name(), m, b.name()));
            metricsMissing |= !MetricsJob.hasMetrics(spark, sweep, model.name(), b.name(), m);
          } else {
            todo.add(m);
          }
        }
        if (!todo.isEmpty() || metricsMissing) {
          toAggregate.add(List.of(model.name(), b.name()));
        }
        if (todo.isEmpty()) {
          progress.accept(
              model.name()
                  + " × "
                  + b.name()
                  + ": every cell is complete; skipped (use --force to "
                  + "recompute)");
          continue;
        }
        passes.add(
            () -> {
              spark.sparkContext().setJobGroup(jobGroup(sweep), "v2drop " + sweep.runId(), false);
              try {
                evaluate(spark, sweep, spec, b, todo, lease, progress);
              } finally {
                spark.sparkContext().clearJobGroup();
              }
            });
      }
      checkCommittedDtype(spark, sweep, model, committed);
    }
    runPasses(spark, passes, sweep.passesInFlight(), jobGroup(sweep));
    // the groups this run changed (or whose metrics a dead run never wrote) are aggregated again
    MetricsJob.aggregate(spark, sweep, toAggregate, lease, progress);
    List<MetricRow> metrics = MetricsJob.read(spark, sweep);
    List<String> failed = new ArrayList<>();
    for (MetricRow m : metrics) {
      if (m.main()
          && m.samples() > 0
          && (double) m.errors() / m.samples() > sweep.errorRateThreshold()) {
        failed.add(
            cell(m.model(), m.method(), m.benchmark())
                + " error rate "
                + m.errors()
                + "/"
                + m.samples());
      }
    }
    return new Result(metrics, skipped, failed, null);
  }

  /**
   * Runs the passes in order, up to {@code inFlight} at once: pass j + inFlight starts when an
   * earlier one has committed its cells. Spark's FIFO scheduler gives a free executor the oldest
   * running pass's next task, so the next pass fills the executors that the one before leaves idle
   * in its last wave and during its commit; each pass still commits its own cells as it ends. The
   * first failure cancels the passes still running (their staging folders are removed, the cells
   * committed before stay) and is rethrown.
   */
  static void runPasses(SparkSession spark, List<Runnable> passes, int inFlight, String group) {
    if (inFlight == 1 || passes.size() <= 1) {
      passes.forEach(Runnable::run);
      return;
    }
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            inFlight,
            r -> {
              Thread t = new Thread(r, "v2drop-pass-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (Runnable p : passes) {
        running.add(pool.submit(p));
      }
      for (java.util.concurrent.Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          pool.shutdownNow(); // passes not started never start
          spark.sparkContext().cancelJobGroup(group); // passes in flight end with their jobs
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          spark.sparkContext().cancelJobGroup(group);
          throw new IllegalStateException("interrupted while evaluation passes ran", e);
        }
      }
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS); // staging cleaned up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The Spark job group of a run's evaluation passes (what a failure cancels). */
  private static String jobGroup(Sweep sweep) {
    return "v2drop-eval-" + sweep.runId();
  }

  /**
   * One evaluation pass for one model × benchmark: every pending method in one Spark job written to
   * a private staging folder, then each cell committed to its own report partition ({@link
   * CellWriter#commit}). A driver that dies mid-pass leaves only staging files (ignored by readers,
   * replaced by the rerun) and the cells committed before it.
   */
  private static void evaluate(
      SparkSession spark,
      Sweep sweep,
      EngineSpec spec,
      Sweep.BenchmarkRef b,
      List<String> methods,
      RunLease lease,
      Consumer<String> progress) {
    Dataset<Row> read = BenchmarkReader.read(spark, b.name(), b.path(), b.split(), b.limit());
    Dataset<Row> samples =
        read.crossJoin(spark.createDataset(methods, Encoders.STRING()).toDF(SampleTable.METHOD));
    int partitions =
        sweep.partitions() > 0
            ? sweep.partitions()
            : Math.max(2, 2 * spark.sparkContext().defaultParallelism());
    Dataset<Row> distributed =
        sweep.batchSize() == 1
            ? samples.repartition(partitions, col(SampleTable.SAMPLE_ID), col(SampleTable.METHOD))
            : batched(spark, read, samples, sweep.batchSize(), partitions);
    Dataset<Row> predictions =
        distributed.mapPartitions(
            new EvaluatePartition(spec, sweep.batchSize()), Encoders.row(PredictionsTable.SCHEMA));
    progress.accept(
        spec.model()
            + " × "
            + b.name()
            + ": evaluating "
            + methods.size()
            + " method(s) on "
            + partitions
            + " partitions"
            + (sweep.batchSize() > 1 ? ", " + sweep.batchSize() + " samples per batch" : ""));
    String staging = ReportPaths.staging(sweep.output(), sweep.runId());
    // how the pass's Spark jobs are named in the Spark UI and event logs
    spark.sparkContext().setJobDescription("v2drop evaluate " + spec.model() + " × " + b.name());
    try {
      long t0 = System.nanoTime();
      // each method's rows in their own folder, holding exactly the columns of a committed cell
      predictions
          .drop(PredictionsTable.RUN_ID, PredictionsTable.MODEL, PredictionsTable.BENCHMARK)
          .write()
          .mode(SaveMode.Overwrite)
          .partitionBy(PredictionsTable.METHOD)
          .parquet(staging);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long rows = spark.read().parquet(staging).count();
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "%s × %s: %d rows evaluated in %.1f s (%.2f rows/s)",
              spec.model(),
              b.name(),
              rows,
              seconds,
              rows / seconds));
      for (String m : methods) {
        String cellDir = CellWriter.partitionPath(staging, PredictionsTable.METHOD, m);
        if (!exists(spark, cellDir)) {
          progress.accept(
              spec.model() + ": " + b.name() + " has no samples; nothing to write for " + m);
          continue;
        }
        lease.check();
        CellWriter.commit(
            spark,
            cellDir,
            ReportPaths.predictions(sweep.output()),
            sweep.runId(),
            spec.model(),
            b.name(),
            m);
      }
    } finally {
      spark.sparkContext().setJobDescription(null);
      delete(spark, staging);
    }
  }

  /**
   * Rows with a batch key: the benchmark's sample ids in sorted order, cut into groups of {@code
   * size}. Each batch lands whole in one partition, its rows adjacent and in id order, so what is
   * generated together — and so every prediction — is the same whatever the partitioning.
   */
  static Dataset<Row> batched(
      SparkSession spark, Dataset<Row> read, Dataset<Row> samples, int size, int partitions) {
    List<String> ids =
        new ArrayList<>(
            read.select(SampleTable.SAMPLE_ID).distinct().as(Encoders.STRING()).collectAsList());
    ids.removeIf(java.util.Objects::isNull);
    java.util.Collections.sort(ids);
    List<Row> keys = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      keys.add(org.apache.spark.sql.RowFactory.create(ids.get(i), i / size));
    }
    Dataset<Row> batches =
        spark.createDataFrame(
            keys,
            new org.apache.spark.sql.types.StructType()
                .add(SampleTable.SAMPLE_ID, org.apache.spark.sql.types.DataTypes.StringType, false)
                .add(SampleTable.BATCH, org.apache.spark.sql.types.DataTypes.IntegerType, false));
    return samples
        .join(
            org.apache.spark.sql.functions.broadcast(batches),
            samples.col(SampleTable.SAMPLE_ID).equalTo(batches.col(SampleTable.SAMPLE_ID)),
            "left_outer")
        .drop(batches.col(SampleTable.SAMPLE_ID))
        .repartition(partitions, col(SampleTable.METHOD), col(SampleTable.BATCH))
        .sortWithinPartitions(
            col(SampleTable.METHOD), col(SampleTable.BATCH), col(SampleTable.SAMPLE_ID));
  }

  /**
   * Cells a rerun would keep must have been computed in the dtype the sweep now asks for: a model
   * whose dtype changed is an error naming both, not a report mixing precisions. (auto resolves on
   * each executor's device, so it is not checked.)
   */
  static void checkCommittedDtype(
      SparkSession spark, Sweep sweep, Sweep.ModelRef model, List<String> committedCells) {
    if (committedCells.isEmpty() || model.dtype().equals("auto")) {
      return;
    }
    List<String> found =
        spark
            .read()
            .parquet(committedCells.toArray(new String[0]))
            .select(PredictionsTable.DTYPE)
            .where(col(PredictionsTable.DTYPE).isNotNull())
            .distinct()
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .filter(d -> !d.equals(model.dtype()))
            .sorted()
            .toList();
    if (!found.isEmpty()) {
      throw new SweepException(
          "model "
              + model.name()
              + ": run "
              + sweep.runId()
              + " has committed cells computed in "
              + String.join(", ", found)
              + " but the sweep asks for "
              + model.dtype()
              + "; recompute them with --force, use another run_id, or list the checkpoint under"
              + " another model name to compare precisions");
    }
  }

  /** A cell is complete when its predictions partition was committed (its _SUCCESS marker). */
  static boolean isComplete(
      SparkSession spark, Sweep sweep, String model, String benchmark, String method) {
    return exists(
        spark,
        CellWriter.cellPath(
                ReportPaths.predictions(sweep.output()), sweep.runId(), model, benchmark, method)
            + "/"
            + CellWriter.SUCCESS);
  }

  /**
   * Staging folders of this run id left by a driver that died (removed under the run id's lease: no
   * other live run of it can be writing them).
   */
  private static void removeDeadStaging(
      SparkSession spark, Sweep sweep, Consumer<String> progress) {
    try {
      Path glob = new Path(ReportPaths.stagingGlob(sweep.output(), sweep.runId()));
      FileSystem fs = glob.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] dead = fs.globStatus(glob); // null when _staging does not exist
      for (FileStatus d : dead == null ? new FileStatus[0] : dead) {
        progress.accept("removing the staging folder of an interrupted run: " + d.getPath());
        fs.delete(d.getPath(), true);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "cannot clean staging folders under " + sweep.output() + ": " + e.getMessage(), e);
    }
  }

  static boolean exists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot check " + path + ": " + e.getMessage(), e);
    }
  }

  static void delete(SparkSession spark, String path) {
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
   * Every method fits every model's depth (a budget the model cannot reach, a layer past its last):
   * checked on the driver from each checkpoint's config.json before any work, rather than as one
   * error row per sample.
   */
  static void checkSchedules(SparkSession spark, Sweep sweep) {
    for (Sweep.ModelRef model : sweep.models()) {
      int layers = decoderLayers(spark, model);
      for (String m : sweep.methods()) {
        try {
          MethodSpec.parse(m).schedule(layers);
        } catch (MethodSpecException e) {
          throw new IllegalArgumentException(
              "model "
                  + model.name()
                  + " ("
                  + layers
                  + " decoder layers): "
                  + m
                  + ": "
                  + e.problem(),
              e);
        }
      }
    }
  }

  /** The checkpoint's decoder depth, from its config.json on any Hadoop file system. */
  static int decoderLayers(SparkSession spark, Sweep.ModelRef model) {
    Path config = new Path(model.path(), ModelFamilies.CONFIG);
    try {
      FileSystem fs = config.getFileSystem(spark.sparkContext().hadoopConfiguration());
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("v2drop-config-");
      try {
        fs.copyToLocalFile(
            false, config, new Path(dir.resolve(ModelFamilies.CONFIG).toUri()), true);
        try {
          org.v2drop.core.family.ModelFamily family = ModelFamilies.of(dir);
          family.checkOverrides(model.processor(), "model " + model.name());
          return family.decoderLayers(dir);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "model "
                  + model.name()
                  + ": "
                  + config
                  + ": "
                  + String.valueOf(e.getMessage()).replace(dir.toString() + "/", ""),
              e);
        }
      } finally {
        java.nio.file.Files.deleteIfExists(dir.resolve(ModelFamilies.CONFIG));
        java.nio.file.Files.deleteIfExists(dir);
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "model " + model.name() + ": cannot read " + config + ": " + e.getMessage(), e);
    }
  }

  /** All that executors are sent to evaluate with {@code model}: no driver-side secrets. */
  static EngineSpec engineSpec(SparkSession spark, Sweep sweep, Sweep.ModelRef model) {
    return new EngineSpec(
        sweep.runId(),
        model.name(),
        model.path(),
        model.dtype(),
        sweep.batchSize(),
        sweep.maxNewTokens(),
        remoteFetchConf(spark),
        model.processor(),
        frames(sweep, model),
        videos(spark, sweep, DatasetLayout::videosDir, Sweep.BenchmarkRef::videos),
        videos(spark, sweep, DatasetLayout::subtitlesDir, b -> null));
  }

  /**
   * Where each video benchmark's files (videos, or subtitles) are: the sweep's setting, else the
   * dataset copy's folder for them ({@code data/}, {@code subtitle/}) when it exists, else the copy
   * itself (its zip archives). Benchmarks without such files are absent.
   */
  static Map<String, String> videos(
      SparkSession spark,
      Sweep sweep,
      java.util.function.Function<DatasetLayout, String> folder,
      java.util.function.Function<Sweep.BenchmarkRef, String> setting) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Sweep.BenchmarkRef b : sweep.benchmarks()) {
      DatasetLayout layout = Benchmarks.byName(b.name()).layout();
      if (folder.apply(layout) == null) {
        continue;
      }
      String location = setting.apply(b);
      if (location == null) {
        String root =
            b.path().endsWith("/") ? b.path().substring(0, b.path().length() - 1) : b.path();
        String dir = root + "/" + folder.apply(layout);
        location = isDirectory(spark, dir) ? dir : root;
      }
      out.put(b.name(), location);
    }
    return out;
  }

  private static boolean isDirectory(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .getFileStatus(p)
          .isDirectory();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * Frames taken from each video sample per video benchmark with {@code model}: the model's
   * setting, else the benchmark's, else {@link Sweep.BenchmarkRef#DEFAULT_FRAMES}.
   */
  static Map<String, Integer> frames(Sweep sweep, Sweep.ModelRef model) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Sweep.BenchmarkRef b : sweep.benchmarks()) {
      int n =
          model.frames() > 0
              ? model.frames()
              : b.frames() > 0 ? b.frames() : Sweep.BenchmarkRef.DEFAULT_FRAMES;
      if (Benchmarks.byName(b.name()).layout().hasVideos()) {
        out.put(b.name(), n);
      }
    }
    return out;
  }

  /**
   * Hadoop settings executors need to fetch remote checkpoints: every {@code fs.s3a.*} setting
   * except secrets, and the credential provider path. Keys, secrets and tokens never leave the
   * driver's configuration.
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
    return k.contains("secret")
        || k.contains("access.key")
        || k.contains("session.token")
        || k.contains("password")
        || k.contains("encryption.key");
  }
}
