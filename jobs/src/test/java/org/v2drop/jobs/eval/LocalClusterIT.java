package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.jobs.testing.ReportRows;
import org.v2drop.udf.ExecutorModelCache;

/**
 * A real multi-JVM cluster: {@code local-cluster[2,1,1024]} with SPARK_HOME = the build's
 * spark-home folder, GPU scheduling through worker resources and a discovery script written here.
 * Two executor JVMs serve the sweep, each loads the model once, tasks receive GPU addresses (mapped
 * to the CPU here), and the reports equal a local[2] run.
 */
class LocalClusterIT {
  static final String MODEL = Repo.FIXTURE_A.toString();

  @Test
  void twoExecutorJvmsServeTheSweepLikeLocalMode(@TempDir Path tmp) throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 8);
    Repo.writeSuite(suite, counts, 5);
    Sweep cluster = sweep(tmp.resolve("cluster"));
    java.util.Set<String> threadsBefore = ClusterSessions.nonDaemonThreads();
    java.util.Set<Long> childrenBefore = ClusterSessions.children();
    SparkSession spark = ClusterSessions.session(tmp, "cluster-test");
    List<Row> rows;
    try {
      EvalJob.Result r = EvalJob.run(spark, cluster, false, m -> {});
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      rows = spark.read().parquet(ReportPaths.predictions(cluster.output())).collectAsList();
    } finally {
      spark.stop();
    }
    assertEquals(
        List.of(),
        ClusterSessions.childrenAfter(childrenBefore, 30),
        "no executor or worker process outlives the session");
    assertEquals(
        java.util.Set.of(),
        ClusterSessions.threadsLeftAfter(threadsBefore, 30),
        "no non-daemon thread outlives the session");
    Map<String, Integer> loadsByExecutor = new TreeMap<>();
    for (Row row : rows) {
      assertEquals("ok", row.getAs("status"), String.valueOf(row.<String>getAs("error")));
      assertTrue(
          row.<String>getAs("device").contains("gpu 0 assigned"), row.<String>getAs("device"));
      loadsByExecutor.merge(
          row.getAs("executor_id"), row.<Integer>getAs("jvm_engine_loads"), Math::max);
    }
    assertEquals(
        2, loadsByExecutor.size(), "two executor JVMs served the sweep: " + loadsByExecutor);
    loadsByExecutor
        .values()
        .forEach(
            n -> assertEquals(1, n, "each executor loaded the model once: " + loadsByExecutor));

    Sweep local = sweep(tmp.resolve("local"));
    SparkSession localSpark =
        SparkSession.builder()
            .master("local[2]")
            .appName("local-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
    try {
      EvalJob.run(localSpark, local, false, m -> {});
      ReportRows.assertDiscriminating(localSpark, cluster.output(), "lc");
      assertEquals(
          ReportRows.predictions(localSpark, local.output(), "lc"),
          ReportRows.predictions(localSpark, cluster.output(), "lc"));
    } finally {
      localSpark.stop();
      ExecutorModelCache.closeAll();
    }
  }

  static Sweep sweep(Path out) {
    return new Sweep(
        "lc",
        out.toString(),
        List.of(new Sweep.ModelRef("tiny-a", MODEL)),
        ReportRows.METHODS,
        List.of(
            new Sweep.BenchmarkRef(
                "shapes_pope", out.getParent().resolve("suite/shapes_pope").toString(), null, 0)),
        Map.of("*", 3),
        0.0,
        4);
  }
}
