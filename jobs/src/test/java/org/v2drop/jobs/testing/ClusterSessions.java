package org.v2drop.jobs.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;

/** Multi-JVM Spark sessions for tests, and the checks that nothing they start outlives them. */
public final class ClusterSessions {
  /**
   * The Java 17 flags Spark's executors need (the same list bin/v2drop and spark-defaults.conf
   * use).
   */
  public static final List<String> JAVA17_FLAGS =
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

  private ClusterSessions() {}

  /**
   * A {@code local-cluster[2,1,1024]} session: two executor JVMs with the executor class path the
   * build writes, the DJL offline flags, and one fake GPU per worker from a discovery script
   * written into {@code tmp}.
   */
  public static SparkSession session(Path tmp, String appName) throws IOException {
    return session(tmp, appName, Map.of());
  }

  /**
   * The same, with more settings; the jobs classes and test classes are on the executors' class
   * path.
   */
  public static SparkSession session(Path tmp, String appName, Map<String, String> conf)
      throws IOException {
    return session(tmp, appName, 2, 1024, conf);
  }

  /** {@code workers} executor JVMs of one core and {@code memoryMb} each. */
  public static SparkSession session(
      Path tmp, String appName, int workers, int memoryMb, Map<String, String> conf)
      throws IOException {
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
                Files.readString(Repo.ROOT.resolve("udf/target/executor-classpath.txt"))
                    .strip()
                    .split(":")));
    executorCp.add(0, Repo.ROOT.resolve("udf/target/v2drop-udf-0.1.0-SNAPSHOT.jar").toString());
    // the jobs classes (metric aggregation runs on executors), as spark-submit ships them in the
    // app jar
    executorCp.add(Repo.ROOT.resolve("jobs/target/classes").toString());
    executorCp.add(Repo.ROOT.resolve("jobs/target/test-classes").toString());
    String opens = String.join(" ", JAVA17_FLAGS);

    SparkSession.Builder b =
        SparkSession.builder()
            .master("local-cluster[" + workers + ",1," + memoryMb + "]")
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
            .config("spark.sql.shuffle.partitions", "4");
    conf.forEach(b::config);
    return b.getOrCreate();
  }

  public static Set<String> nonDaemonThreads() {
    Set<String> out = new TreeSet<>();
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .forEach(t -> out.add(t.getName() + "#" + t.getId()));
    return out;
  }

  /**
   * Non-daemon threads alive after {@code seconds} that were not there before (a leak keeps the JVM
   * from exiting).
   */
  public static Set<String> threadsLeftAfter(Set<String> before, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      Set<String> left = nonDaemonThreads();
      left.removeAll(before);
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Thread.sleep(100);
    }
  }

  /** The processes this JVM has started so far (their pids). */
  public static Set<Long> children() {
    Set<Long> out = new TreeSet<>();
    ProcessHandle.current().descendants().forEach(h -> out.add(h.pid()));
    return out;
  }

  /**
   * Waits until the processes this JVM started since {@code before} (executors, workers) are gone;
   * returns those still alive. Processes other tests started earlier do not count.
   */
  public static List<ProcessHandle> childrenAfter(Set<Long> before, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      List<ProcessHandle> alive =
          ProcessHandle.current()
              .descendants()
              .filter(h -> h.isAlive() && !before.contains(h.pid()))
              .toList();
      if (alive.isEmpty() || System.nanoTime() > deadline) {
        return alive;
      }
      Thread.sleep(100);
    }
  }
}
