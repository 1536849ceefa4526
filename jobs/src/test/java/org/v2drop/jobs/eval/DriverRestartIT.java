package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepParser;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.HaltingFileSystem;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.jobs.testing.ReportRows;
import org.v2drop.udf.ExecutorModelCache;

/**
 * The driver dies at an exact point of a sweep (its JVM halts, as on SIGKILL, just before a chosen
 * rename): during the first pass's staging write, or between two cell commits. Readers then see
 * exactly the committed cells, each whole; rerunning the same sweep takes over the dead run's
 * lease, skips exactly those cells, removes the dead run's staging folder, recomputes the rest, and
 * the final reports equal a clean run's.
 */
class DriverRestartIT {
  static final List<String> BENCHMARKS =
      List.of("shapes_pope", "shapes_gqa", "shapes_mme", "shapes_textvqa");

  @ParameterizedTest(name = "halt before rename {1} into {0}, {2} pass(es) in flight")
  @CsvSource({"/_staging/, 1, 1", "/predictions/, 2, 1", "/predictions/, 2, 2"})
  void aKilledDriverIsResumedByRerunningTheSameCommand(
      String into, int number, int inFlight, @TempDir Path tmp) throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    BENCHMARKS.forEach(b -> counts.put(b, 6));
    Repo.writeSuite(suite, counts, 11);
    Path killed = sweepFile(tmp, "killed", suite, inFlight);
    Path reports = tmp.resolve("killed-reports");

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(ClusterSessions.JAVA17_FLAGS);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "org.v2drop.jobs.cli.Main",
            "eval",
            "--sweep",
            killed.toString(),
            "--master",
            "local[1]",
            "--conf",
            "spark.hadoop.fs.file.impl=" + HaltingFileSystem.class.getName(),
            "--conf",
            "spark.hadoop.fs.file.impl.disable.cache=true",
            "--conf",
            "spark.hadoop." + HaltingFileSystem.INTO + "=" + into,
            "--conf",
            "spark.hadoop." + HaltingFileSystem.NUMBER + "=" + number));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("driver.log").toFile())
            .start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the driver ended");
    String log = Files.readString(tmp.resolve("driver.log"));
    assertEquals(HaltingFileSystem.STATUS, p.exitValue(), "the driver halted where told:\n" + log);
    Set<String> committedAtKill = committedCells(reports.resolve("predictions/run_id=restart"));
    if (inFlight == 1) { // one pass at a time: the halt lands at an exact point
      assertEquals(
          into.equals("/_staging/") ? 0 : 1,
          committedAtKill.size(),
          "cells committed before the halt: " + committedAtKill);
    } else { // passes in flight commit from their own threads, which run on while the JVM halts
      assertTrue(
          !committedAtKill.isEmpty()
              && committedAtKill.size() < BENCHMARKS.size() * ReportRows.METHODS.size(),
          "some cells committed before the halt, not all: " + committedAtKill);
    }
    try (Stream<Path> files = Files.walk(reports)) {
      assertTrue(
          files.anyMatch(
              f -> f.toString().contains("/_staging/restart-") && Files.isRegularFile(f)),
          "the dead run left its staging folder behind");
    }

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("restart-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      // readers see exactly the committed cells, each whole
      Set<String> visible = new TreeSet<>();
      if (Files.isDirectory(reports.resolve("predictions"))) {
        for (Row cell :
            spark
                .read()
                .parquet(reports.resolve("predictions").toString())
                .groupBy("benchmark", "method")
                .count()
                .collectAsList()) {
          assertEquals(
              expectedRows(cell.getString(0)), cell.getLong(2), "cell " + cell + " is whole");
          visible.add(cell.getString(0) + "/" + cell.getString(1));
        }
      }
      assertEquals(cellNames(committedAtKill), visible, "readers see the committed cells");

      Sweep sweep = SweepParser.parse(killed);
      List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
      EvalJob.Result rerun = EvalJob.run(spark, sweep, false, said::add);
      assertTrue( // the dead driver never released its lease; its process is gone
          said.get(0).startsWith("taking over the lease of run 'restart'")
              && said.get(0).contains("its process is gone (same host)"),
          said.toString());
      Set<String> skipped = new TreeSet<>();
      for (String c : rerun.skippedCells()) {
        String[] mmb = c.split(" × "); // model × method × benchmark
        skipped.add(mmb[2] + "/" + mmb[1]);
      }
      assertEquals(cellNames(committedAtKill), skipped, "exactly the committed cells are skipped");
      assertTrue(rerun.failedCells().isEmpty(), rerun.failedCells().toString());

      Sweep clean = SweepParser.parse(sweepFile(tmp, "clean", suite, 1));
      EvalJob.run(spark, clean, false, m -> {});
      ReportRows.assertDiscriminating(spark, clean.output(), "restart");
      assertEquals(
          ReportRows.predictions(spark, clean.output(), "restart"),
          ReportRows.predictions(spark, sweep.output(), "restart"),
          "the resumed reports equal a clean run's");
      assertEquals(
          ReportRows.metrics(spark, clean.output(), "restart"),
          ReportRows.metrics(spark, sweep.output(), "restart"));
      try (Stream<Path> staged = Files.walk(reports)) {
        assertTrue(
            staged.noneMatch(f -> f.toString().contains("/_staging/") && Files.isRegularFile(f)),
            "no staging files are left behind");
      }
    } finally {
      spark.stop();
      ExecutorModelCache.closeAll();
    }
  }

  /** Committed cell folders (benchmark=B/method=M) as the names readers group by (B/M). */
  static Set<String> cellNames(Set<String> folders) {
    Set<String> out = new TreeSet<>();
    for (String f : folders) {
      String[] bm = f.split("/");
      out.add(
          ExternalCatalogUtils.unescapePathName(bm[0].substring(bm[0].indexOf('=') + 1))
              + "/"
              + ExternalCatalogUtils.unescapePathName(bm[1].substring(bm[1].indexOf('=') + 1)));
    }
    return out;
  }

  static long expectedRows(String benchmark) {
    return benchmark.equals("shapes_mme") ? 12 : 6; // MME rows are per question: two per image
  }

  static Path sweepFile(Path tmp, String name, Path suite, int inFlight) throws Exception {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "run_id: restart",
                "output: " + tmp.resolve(name + "-reports"),
                "models:",
                "  - {name: tiny-a, path: " + Repo.FIXTURE_A + "}",
                "methods: ["
                    + String.join(
                        ", ", ReportRows.METHODS.stream().map(m -> "\"" + m + "\"").toList())
                    + "]",
                "benchmarks:"));
    BENCHMARKS.forEach(b -> lines.add("  - {name: " + b + ", path: " + suite.resolve(b) + "}"));
    lines.addAll(
        List.of(
            "generation: {max_new_tokens: 3}", "partitions: 2", "passes_in_flight: " + inFlight));
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
