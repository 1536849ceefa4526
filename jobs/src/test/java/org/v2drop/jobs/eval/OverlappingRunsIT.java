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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.sweep.SweepParser;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.Repo;

/**
 * Two runs of one sweep at once, as a user or a schedule starts them: while a run holds the run
 * id's lease (paused in its first pass, on embedded Spark), a second {@code bin/v2drop eval} of the
 * same sweep fails at once with one line naming the holder and no stack trace (exit 4); a run of
 * another run id on the same output completes beside it; a second run with {@code --wait} waits,
 * then runs once the first has ended and skips every cell the first committed.
 */
class OverlappingRunsIT {
  @TempDir Path tmp;

  @Test
  void aSecondRunOfASweepFailsFastOrWaitsAndNothingIsLost() throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 6);
    counts.put("shapes_mme", 2);
    Repo.writeSuite(suite, counts, 5);
    Path out = tmp.resolve("reports");
    Path first = sweepFile("overlap", out, suite);
    Path other = sweepFile("other", out, suite);

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("overlap-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean paused = new AtomicBoolean();
    try {
      Future<EvalJob.Result> a =
          pool.submit(
              () ->
                  EvalJob.run(
                      spark,
                      SweepParser.parse(first),
                      false,
                      msg -> {
                        if (msg.contains("evaluating") && paused.compareAndSet(false, true)) {
                          holding.countDown(); // the lease is held and a pass has started
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }));
      assertTrue(holding.await(120, TimeUnit.SECONDS), "the first run started its first pass");

      Child busy = Child.start(tmp, "busy", "eval", "--sweep", first.toString());
      assertEquals(EvalMain.BUSY, busy.waitFor(), busy.err());
      List<String> said = busy.productLines();
      assertEquals(1, said.size(), "one line from the product: " + said);
      assertTrue(
          said.get(0).startsWith("v2drop eval: run 'overlap' is already running on " + out)
              && said.get(0).contains("lease held by ")
              && said.get(0).contains("(pid " + ProcessHandle.current().pid() + ")")
              && said.get(0).contains("_leases/overlap.json"),
          said.get(0));
      assertFalse(
          busy.err().contains("Exception") || busy.err().contains("\tat "),
          "no stack trace: " + busy.err());

      Child beside = Child.start(tmp, "beside", "eval", "--sweep", other.toString());
      assertEquals(0, beside.waitFor(), "another run id runs beside it: " + beside.err());

      Child waiter = Child.start(tmp, "waiter", "eval", "--sweep", first.toString(), "--wait");
      assertTrue(
          waiter.awaitErr("eval: waiting: run 'overlap' is already running", 120),
          "the waiting run says what it waits for: " + waiter.err());
      assertTrue(waiter.alive(), "and waits while the first run holds the lease");
      release.countDown();
      EvalJob.Result r = a.get(300, TimeUnit.SECONDS);
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      assertEquals(0, waiter.waitFor(), waiter.err());
      assertTrue(
          waiter.err().contains("eval: skipped 4 complete cell(s) of run overlap"), waiter.err());

      List<Row> rows =
          spark
              .read()
              .parquet(ReportPaths.predictions(out.toString()))
              .groupBy("run_id")
              .count()
              .orderBy("run_id")
              .collectAsList();
      long samples = 6 + 2 * 2; // POPE 6 questions, MME 2 images × 2 questions
      assertEquals(2, rows.size(), rows.toString());
      assertEquals(2 * samples, rows.get(0).getLong(1), "run 'other', both methods");
      assertEquals(2 * samples, rows.get(1).getLong(1), "run 'overlap', once, both methods");
      assertFalse(Files.exists(out.resolve("_leases/overlap.json")), "every lease released");
      assertFalse(Files.exists(out.resolve("_leases/other.json")));
    } finally {
      release.countDown();
      pool.shutdownNow();
      spark.stop();
    }
  }

  static Path sweepFile(String runId, Path out, Path suite) throws Exception {
    Path f = suite.getParent().resolve(runId + ".yaml");
    Files.writeString(
        f,
        String.join(
                "\n",
                "run_id: " + runId,
                "output: " + out,
                "models:",
                "  - {name: tiny-a, path: " + Repo.FIXTURE_A + "}",
                "methods: [vanilla, \"v2drop@2:0.5\"]",
                "benchmarks:",
                "  - {name: shapes_pope, path: " + suite.resolve("shapes_pope") + "}",
                "  - {name: shapes_mme, path: " + suite.resolve("shapes_mme") + "}",
                "generation: {max_new_tokens: 3}",
                "partitions: 2",
                "passes_in_flight: 1")
            + "\n");
    return f;
  }

  /** {@code bin/v2drop} in a JVM of its own, its stderr in a file. */
  record Child(Process process, Path errFile) {
    static Child start(Path tmp, String name, String... args) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx1g");
      command.addAll(ClusterSessions.JAVA17_FLAGS);
      command.addAll(
          List.of("-cp", System.getProperty("java.class.path"), "org.v2drop.jobs.cli.Main"));
      command.addAll(List.of(args));
      command.addAll(List.of("--master", "local[1]"));
      Path err = tmp.resolve(name + ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectError(err.toFile())
              .redirectOutput(tmp.resolve(name + ".out").toFile());
      pb.environment().put("DJL_OFFLINE", "true");
      pb.environment().put("OPT_OUT_TRACKING", "true");
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      return new Child(pb.start(), err);
    }

    int waitFor() throws Exception {
      assertTrue(process.waitFor(300, TimeUnit.SECONDS), "the command ended");
      return process.exitValue();
    }

    boolean alive() {
      return process.isAlive();
    }

    String err() {
      try {
        return Files.readString(errFile);
      } catch (java.io.IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }

    /** The lines the product itself printed ({@code v2drop <command>: ...}). */
    List<String> productLines() {
      return err().lines().filter(l -> l.startsWith("v2drop ")).toList();
    }

    boolean awaitErr(String text, long seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline && process.isAlive()) {
        if (err().contains(text)) {
          return true;
        }
        Thread.sleep(200);
      }
      return err().contains(text);
    }
  }
}
