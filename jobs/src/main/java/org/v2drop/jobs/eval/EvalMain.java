package org.v2drop.jobs.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepParser;

/**
 * {@code spark-submit --class org.v2drop.jobs.eval.EvalMain app.jar --sweep FILE [--force] [--wait
 * | --force-lease] [--conf k=v ...]}: parse options → session → evaluate (under the run id's lease)
 * → write reports → print summary, inside try/finally spark.stop(). Exit status 3 when a cell is
 * over the error-rate threshold, {@value #BUSY} when another live run holds the lease.
 */
public final class EvalMain {
  private EvalMain() {}

  public static void main(String[] args) {
    String sweepFile = null;
    boolean force = false;
    RunLease.Mode lease = RunLease.Mode.FAIL;
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sweep" -> sweepFile = args[++i];
        case "--force" -> force = true;
        case "--wait" -> lease = RunLease.Mode.WAIT;
        case "--force-lease" -> lease = RunLease.Mode.FORCE;
        case "--conf" -> {
          String[] kv = args[++i].split("=", 2);
          conf.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        default ->
            throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: " + USAGE);
      }
    }
    if (sweepFile == null) {
      throw new IllegalArgumentException("usage: " + USAGE);
    }
    int failed;
    try {
      failed = run(SweepParser.parse(Path.of(sweepFile)), sweepFile, null, conf, force, lease);
    } catch (RunLease.HeldException e) {
      System.err.println("v2drop eval: " + e.getMessage());
      System.exit(BUSY);
      return;
    }
    if (failed > 0) {
      System.exit(3);
    }
  }

  static final String USAGE =
      "EvalMain --sweep FILE [--force] [--wait | --force-lease] [--conf k=v ...]";

  /** Exit status when another live run holds the run id's lease. */
  public static final int BUSY = 4;

  /** Runs a sweep in a new session; returns the number of cells over the error-rate threshold. */
  public static int run(Sweep sweep, String master, Map<String, String> conf, boolean force) {
    return run(sweep, null, master, conf, force, RunLease.Mode.FAIL);
  }

  /**
   * The same, with where the sweep came from (its file, shown on the report page) and what to do
   * when another run holds the run id's lease.
   */
  public static int run(
      Sweep sweep,
      String source,
      String master,
      Map<String, String> conf,
      boolean force,
      RunLease.Mode lease) {
    SparkSession spark = Sessions.create("v2drop-eval-" + sweep.runId(), master, conf);
    try {
      spark.sparkContext().addSparkListener(new Progress());
      long t0 = System.nanoTime();
      EvalJob.Result result =
          EvalJob.run(
              spark, sweep, force, lease, source, msg -> System.err.println("eval: " + msg));
      if (!result.skippedCells().isEmpty()) {
        System.err.println(
            "eval: skipped "
                + result.skippedCells().size()
                + " complete cell(s) of run "
                + sweep.runId()
                + " (use --force to recompute)");
      }
      List<MetricRow> mains =
          result.metrics().stream().filter(MetricRow::main).collect(Collectors.toList());
      System.out.println(
          "run "
              + sweep.runId()
              + ": reports under "
              + sweep.output()
              + " ("
              + String.format("%.1f", (System.nanoTime() - t0) / 1e9)
              + " s)");
      System.out.print(Summary.table(mains));
      System.out.print(Summary.sideBySide(mains));
      if (result.reportPage() != null) {
        System.out.println("report page: " + result.reportPage());
      }
      for (String f : result.failedCells()) {
        System.err.println(
            "eval: FAILED cell over the error-rate threshold "
                + sweep.errorRateThreshold()
                + ": "
                + f);
      }
      return result.failedCells().size();
    } finally {
      spark.stop();
    }
  }
}
