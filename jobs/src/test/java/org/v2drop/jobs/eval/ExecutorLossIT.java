package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.HaltingExecutorPlugin;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.jobs.testing.ReportRows;
import org.v2drop.udf.ExecutorModelCache;

/**
 * One of two executor JVMs halts (as on SIGKILL) at the start of its second evaluation task, after
 * its first committed ({@link HaltingExecutorPlugin}: the same point every run). The sweep
 * completes on the survivor and the relaunched executor, every sample is in the predictions exactly
 * once, and predictions and metrics equal a fault-free run's.
 */
class ExecutorLossIT {
  static final int PARTITIONS = 12;
  static final int SAMPLES = 24;

  @Test
  void aKilledExecutorCostsNothingButTime(@TempDir Path tmp) throws Exception {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", SAMPLES);
    Repo.writeSuite(tmp.resolve("suite"), counts, 9);
    Sweep faulty = sweep(tmp.resolve("faulty"));
    Path marker = tmp.resolve("halted");
    AtomicInteger removed = new AtomicInteger();
    AtomicInteger failedTasks = new AtomicInteger();
    List<String> faultyRows;
    List<String> faultyMetrics;
    int rows = SAMPLES * ReportRows.METHODS.size();
    SparkSession spark =
        ClusterSessions.session(
            tmp,
            "executor-loss-test",
            Map.of(
                "spark.plugins",
                HaltingExecutorPlugin.class.getName(),
                HaltingExecutorPlugin.PARTITIONS,
                Integer.toString(PARTITIONS),
                HaltingExecutorPlugin.MARKER,
                marker.toString()));
    try {
      spark
          .sparkContext()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                  if (!end.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
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
      ReportRows.assertDiscriminating(spark, faulty.output(), "loss");
      assertEquals(
          rows,
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
    assertTrue(Files.exists(marker), "an executor halted");
    assertTrue(removed.get() >= 1, "Spark noticed the executor loss");
    assertTrue(
        failedTasks.get() >= 1,
        "the loss interrupted running work (failed task attempts: " + failedTasks.get() + ")");
    assertEquals(rows, faultyRows.size(), "no sample missing or duplicated");

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
        ReportRows.METHODS,
        List.of(
            new Sweep.BenchmarkRef(
                "shapes_pope", out.getParent().resolve("suite/shapes_pope").toString(), null, 0)),
        Map.of("*", 4),
        0.0,
        PARTITIONS);
  }
}
