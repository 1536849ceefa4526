package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepParser;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.jobs.testing.ReportRows;
import org.v2drop.udf.ExecutorModelCache;

/**
 * The driver dies mid-sweep (SIGKILL of a {@code bin/v2drop eval} process once its first cells are
 * committed). Readers then see only whole cells; rerunning the same sweep skips the committed
 * cells, recomputes the others, and the final reports equal a clean run's.
 */
class DriverRestartIT {
  static final List<String> BENCHMARKS =
      List.of("shapes_pope", "shapes_gqa", "shapes_mme", "shapes_textvqa");

  @Test
  void aKilledDriverIsResumedByRerunningTheSameCommand(@TempDir Path tmp) throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    BENCHMARKS.forEach(b -> counts.put(b, 6));
    ShapesSuite.write(
        new org.apache.hadoop.fs.Path(suite.toUri()),
        "test",
        counts,
        11,
        new Configuration(),
        m -> {});
    Path killed = sweepFile(tmp, "killed", suite);
    Path predictions = tmp.resolve("killed-reports/predictions/run_id=restart");

    ProcessBuilder driver =
        new ProcessBuilder(
                Repo.ROOT.resolve("bin/v2drop").toString(),
                "eval",
                "--sweep",
                killed.toString(),
                "--master",
                "local[1]")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("driver.log").toFile());
    driver.environment().put("V2DROP_SKIP_BUILD", "1"); // the build made the jars this test runs
    driver.environment().put("V2DROP_JAVA_OPTS", "-Xmx1g");
    Process p = driver.start();
    Set<String> committedAtKill;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      // the first benchmark's two cells are committed: the driver is now evaluating the next one
      while (committedCells(predictions).size() < 2
          && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      committedAtKill = committedCells(predictions);
    } finally {
      p.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("driver.log"));
    assertFalse(
        committedAtKill.isEmpty(), "the driver committed a cell before it was killed:\n" + log);
    assertTrue(
        committedAtKill.size() < 2 * BENCHMARKS.size(),
        "the driver was killed mid-sweep, not after it: " + committedAtKill);

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("restart-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      // readers see whole cells only: every visible cell holds all its samples
      List<Row> visible =
          spark
              .read()
              .parquet(tmp.resolve("killed-reports/predictions").toString())
              .groupBy("benchmark", "method")
              .count()
              .collectAsList();
      assertEquals(
          committedAtKill.size(), visible.size(), "readers see the committed cells: " + visible);
      for (Row cell : visible) {
        assertEquals(
            expectedRows(cell.getString(0)), cell.getLong(2), "cell " + cell + " is whole");
      }

      Sweep sweep = SweepParser.parse(killed);
      EvalJob.Result rerun = EvalJob.run(spark, sweep, false, m -> {});
      assertEquals(
          committedAtKill.size(),
          rerun.skippedCells().size(),
          "committed cells are skipped: " + rerun.skippedCells());
      assertTrue(rerun.failedCells().isEmpty(), rerun.failedCells().toString());

      Sweep clean = SweepParser.parse(sweepFile(tmp, "clean", suite));
      EvalJob.run(spark, clean, false, m -> {});
      assertEquals(
          ReportRows.predictions(spark, clean.output(), "restart"),
          ReportRows.predictions(spark, sweep.output(), "restart"),
          "the resumed reports equal a clean run's");
      assertEquals(
          ReportRows.metrics(spark, clean.output(), "restart"),
          ReportRows.metrics(spark, sweep.output(), "restart"));
      try (Stream<Path> staged = Files.walk(tmp.resolve("killed-reports"))) {
        assertTrue(
            staged.noneMatch(f -> f.toString().contains("/_staging/") && Files.isRegularFile(f)),
            "no staging files are left behind");
      }
    } finally {
      spark.stop();
      ExecutorModelCache.closeAll();
    }
  }

  static long expectedRows(String benchmark) {
    return benchmark.equals("shapes_mme") ? 12 : 6; // MME rows are per question: two per image
  }

  static Path sweepFile(Path tmp, String name, Path suite) throws Exception {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "run_id: restart",
                "output: " + tmp.resolve(name + "-reports"),
                "models:",
                "  - {name: tiny-a, path: " + Repo.FIXTURE_A + "}",
                "methods: [vanilla, \"v2drop@2:0.5,4:0.25\"]",
                "benchmarks:"));
    BENCHMARKS.forEach(b -> lines.add("  - {name: " + b + ", path: " + suite.resolve(b) + "}"));
    lines.addAll(List.of("generation: {max_new_tokens: 3}", "partitions: 2"));
    Path f = tmp.resolve(name + ".yaml");
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }

  /** benchmark/method of every cell directory holding a _SUCCESS marker. */
  static Set<String> committedCells(Path runDir) throws Exception {
    Set<String> out = new TreeSet<>();
    if (!Files.isDirectory(runDir)) {
      return out;
    }
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> files =
          Files.walk(runDir)) { // the driver is writing: folders come and go during the walk
        files
            .filter(f -> f.getFileName().toString().equals("_SUCCESS"))
            .forEach(
                f ->
                    out.add(
                        f.getParent().getParent().getFileName()
                            + "/"
                            + f.getParent().getFileName()));
        return out;
      } catch (java.io.UncheckedIOException e) {
        if (attempt == 20) {
          throw e;
        }
        out.clear();
      }
    }
  }
}
