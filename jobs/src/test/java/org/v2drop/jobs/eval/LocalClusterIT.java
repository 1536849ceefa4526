package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.ExecutorModelCache;

/**
 * A real multi-JVM cluster: {@code local-cluster[2,1,1024]} with SPARK_HOME = the build's
 * spark-home folder, GPU scheduling through worker resources and a discovery script written here.
 * Two executor JVMs serve the sweep, each loads the model once, tasks receive GPU addresses (mapped
 * to the CPU here), and the reports equal a local[2] run.
 */
class LocalClusterIT {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final String MODEL =
      ROOT.resolve("core/src/test/resources/fixtures/tiny-llava-a").toString();

  @Test
  void twoExecutorJvmsServeTheSweepLikeLocalMode(@TempDir Path tmp) throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 8);
    ShapesSuite.write(
        new org.apache.hadoop.fs.Path(suite.toUri()),
        "test",
        counts,
        5,
        new Configuration(),
        m -> {});
    Sweep cluster = sweep(tmp.resolve("cluster"));
    java.util.Set<String> threadsBefore = nonDaemonThreads();
    SparkSession spark = clusterSession(tmp, "cluster-test");
    List<Row> rows;
    try {
      EvalJob.Result r = EvalJob.run(spark, cluster, false, m -> {});
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      rows = spark.read().parquet(ReportPaths.predictions(cluster.output())).collectAsList();
    } finally {
      spark.stop();
    }
    assertEquals(
        List.of(), childrenAfter(30), "no executor or worker process outlives the session");
    assertEquals(
        java.util.Set.of(),
        threadsLeftAfter(threadsBefore, 30),
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
      assertEquals(
          ReportRows.predictions(localSpark, local.output(), "lc"),
          ReportRows.predictions(localSpark, cluster.output(), "lc"));
    } finally {
      localSpark.stop();
      ExecutorModelCache.closeAll();
    }
  }

  /**
   * A {@code local-cluster[2,1,1024]} session: two executor JVMs with the executor class path the
   * build writes, the DJL offline flags, and one fake GPU per worker from a discovery script
   * written into {@code tmp}.
   */
  static SparkSession clusterSession(Path tmp, String appName) throws java.io.IOException {
    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(
        sparkHome != null && Files.isDirectory(Path.of(sparkHome, "jars")),
        "SPARK_HOME with jars/ is set by the build (failsafe), found " + sparkHome);
    Path discovery = tmp.resolve("gpus.sh");
    Files.writeString(
        discovery, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\"]}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));

    List<String> executorCp =
        new ArrayList<>(
            List.of(
                Files.readString(ROOT.resolve("udf/target/executor-classpath.txt"))
                    .strip()
                    .split(":")));
    executorCp.add(0, ROOT.resolve("udf/target/v2drop-udf-0.1.0-SNAPSHOT.jar").toString());
    String opens = String.join(" ", ManagementOpens.FLAGS);

    return SparkSession.builder()
        .master("local-cluster[2,1,1024]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", String.join(":", executorCp))
        .config("spark.executor.extraJavaOptions", opens)
        .config("spark.executorEnv.DJL_OFFLINE", "true")
        .config("spark.executorEnv.OPT_OUT_TRACKING", "true")
        .config("spark.worker.resource.gpu.amount", "1")
        .config("spark.worker.resource.gpu.discoveryScript", discovery.toString())
        .config("spark.executor.resource.gpu.amount", "1")
        .config("spark.task.resource.gpu.amount", "1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  static java.util.Set<String> nonDaemonThreads() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .forEach(t -> out.add(t.getName() + "#" + t.getId()));
    return out;
  }

  /**
   * Non-daemon threads alive after {@code seconds} that were not there before (a leak keeps the JVM
   * from exiting).
   */
  static java.util.Set<String> threadsLeftAfter(java.util.Set<String> before, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      java.util.Set<String> left = nonDaemonThreads();
      left.removeAll(before);
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until the processes this JVM started (executors, workers) are gone; returns those still
   * alive.
   */
  static List<ProcessHandle> childrenAfter(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<ProcessHandle> alive =
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }
    return alive;
  }

  static Sweep sweep(Path out) {
    return new Sweep(
        "lc",
        out.toString(),
        List.of(new Sweep.ModelRef("tiny-a", MODEL)),
        List.of("vanilla", "v2drop@2:0.5,4:0.25"),
        List.of(
            new Sweep.BenchmarkRef(
                "shapes_pope", out.getParent().resolve("suite/shapes_pope").toString(), null, 0)),
        Map.of("*", 3),
        0.0,
        4);
  }

  /**
   * The Java 17 flags Spark's executors need (the same list bin/v2drop and spark-defaults.conf
   * use).
   */
  public static final class ManagementOpens {
    static final List<String> FLAGS =
        List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    private ManagementOpens() {}
  }
}
