package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.jobs.testing.ReportRows;
import org.v2drop.udf.ExecutorModelCache;

/**
 * One of two executor JVMs is killed (SIGKILL) as soon as the evaluation's first task finishes. The
 * sweep completes on the survivors and the relaunched executor, every sample is in the predictions
 * exactly once, and predictions and metrics equal a fault-free run's.
 */
class ExecutorLossIT {
  static final int PARTITIONS = 12;

  @Test
  void aKilledExecutorCostsNothingButTime(@TempDir Path tmp) throws Exception {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 24);
    ShapesSuite.write(
        new org.apache.hadoop.fs.Path(tmp.resolve("suite").toUri()),
        "test",
        counts,
        9,
        new Configuration(),
        m -> {});
    Sweep faulty = sweep(tmp.resolve("faulty"));
    AtomicReference<String> killed = new AtomicReference<>();
    AtomicInteger removed = new AtomicInteger();
    AtomicInteger failedTasks = new AtomicInteger();
    List<String> faultyRows;
    List<String> faultyMetrics;
    SparkSession spark = ClusterSessions.session(tmp, "executor-loss-test");
    try {
      String appId = spark.sparkContext().applicationId();
      java.util.Set<Integer> evalStages = java.util.concurrent.ConcurrentHashMap.newKeySet();
      spark
          .sparkContext()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onStageSubmitted(SparkListenerStageSubmitted s) {
                  if (s.stageInfo().numTasks()
                      == PARTITIONS) { // the evaluation stage: one task per sweep partition
                    evalStages.add(s.stageInfo().stageId());
                  }
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                  if (!end.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
                  } else if (evalStages.contains(end.stageId()) && killed.get() == null) {
                    String id = end.taskInfo().executorId();
                    if (killed.compareAndSet(null, id)) {
                      killExecutor(appId, id);
                    }
                  }
                }

                @Override
                public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
                  removed.incrementAndGet();
                }
              });
      EvalJob.Result r = EvalJob.run(spark, faulty, false, m -> {});
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      faultyRows = ReportRows.predictions(spark, faulty.output(), "loss");
      faultyMetrics = ReportRows.metrics(spark, faulty.output(), "loss");
      assertEquals(
          48,
          spark
              .read()
              .parquet(ReportPaths.predictions(faulty.output()))
              .select("method", "sample_id")
              .distinct()
              .count(),
          "every sample × method once");
    } finally {
      spark.stop();
    }
    assertTrue(killed.get() != null, "an executor was killed");
    assertTrue(removed.get() >= 1, "Spark noticed the executor loss");
    assertTrue(
        failedTasks.get() >= 1,
        "the loss interrupted running work (failed task attempts: " + failedTasks.get() + ")");
    assertEquals(48, faultyRows.size(), "no sample missing or duplicated");

    Sweep clean = sweep(tmp.resolve("clean"));
    SparkSession local =
        SparkSession.builder()
            .master("local[2]")
            .appName("clean-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      EvalJob.run(local, clean, false, m -> {});
      assertEquals(ReportRows.predictions(local, clean.output(), "loss"), faultyRows);
      assertEquals(ReportRows.metrics(local, clean.output(), "loss"), faultyMetrics);
    } finally {
      local.stop();
      ExecutorModelCache.closeAll();
    }
  }

  static Sweep sweep(Path out) {
    return new Sweep(
        "loss",
        out.toString(),
        List.of(new Sweep.ModelRef("tiny-a", Repo.FIXTURE_A.toString())),
        List.of("vanilla", "v2drop@2:0.5,4:0.25"),
        List.of(
            new Sweep.BenchmarkRef(
                "shapes_pope", out.getParent().resolve("suite/shapes_pope").toString(), null, 0)),
        Map.of("*", 4),
        0.0,
        PARTITIONS);
  }

  /** SIGKILL of the executor JVM with this id in this application (found by its command line). */
  static void killExecutor(String appId, String executorId) {
    List<ProcessHandle> matches =
        ProcessHandle.current()
            .descendants()
            .filter(
                h ->
                    h.info()
                        .commandLine()
                        .map(
                            c ->
                                c.contains("CoarseGrainedExecutorBackend")
                                    && c.contains(appId)
                                    && c.contains("--executor-id " + executorId + " "))
                        .orElse(false))
            .toList();
    if (matches.size() != 1) {
      throw new IllegalStateException(
          "expected one executor process "
              + executorId
              + " of "
              + appId
              + ", found "
              + matches.size());
    }
    matches.get(0).destroyForcibly();
  }
}
