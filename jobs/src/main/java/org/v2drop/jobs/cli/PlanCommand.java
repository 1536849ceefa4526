package org.v2drop.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.eval.Sessions;
import org.v2drop.jobs.eval.SweepPlan;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepException;
import org.v2drop.jobs.sweep.SweepParser;

/** {@code v2drop plan}: what a sweep will do and cost, and what would stop it, before it runs. */
final class PlanCommand {
  static final String USAGE =
      """
      usage: v2drop plan --sweep FILE [--executors N] [--latency FILE|DIR] [--json] [--master URL] [--conf k=v ...]

      Reads the sweep and, without loading any model weights (config.json only), checks everything a run would
      trip over before its first sample: every model folder and its config, every method's schedule on every
      model, every benchmark's Parquet schema (each shard) and sample count after split and limit. Lists the
      cells (complete for the run id / pending / unavailable) and the prediction rows a run would generate.
      --latency  a `bin/v2drop bench` JSON file, or the report root of an earlier run of the same models: then
                 the executor time and the wall time on --executors executors (default 8) are estimated, with the
                 share of executor time the passes leave idle (passes_in_flight of the sweep at once)
      --json     ONE JSON object on stdout instead of the text report
      Exit status: 0 when the sweep can run, 1 when a problem was found (each printed), 2 for a usage error.
      """;

  private PlanCommand() {}

  static int run(Args args) throws Exception {
    Path file = args.requiredPath("--sweep");
    int executors = args.positiveIntOption("--executors", 8);
    String latency = args.option("--latency", null);
    boolean json = args.flag("--json");
    String master = args.option("--master", null);
    Map<String, String> conf = args.conf();
    args.finish();
    Sweep sweep;
    try {
      sweep = SweepParser.parse(file);
    } catch (SweepException e) {
      System.out.println(
          json ? problemsJson(List.of(e.getMessage())) : "problem: " + e.getMessage());
      return 1;
    }
    SparkSession spark = Sessions.create("v2drop-plan", master == null ? "local[1]" : master, conf);
    try {
      SweepPlan plan = SweepPlan.make(spark, sweep, executors, latency);
      System.out.print(json ? toJson(plan) + "\n" : text(plan));
      return plan.problems().isEmpty() ? 0 : 1;
    } finally {
      spark.stop();
    }
  }

  static String text(SweepPlan p) {
    StringBuilder sb = new StringBuilder();
    Sweep s = p.sweep();
    sb.append(String.format(Locale.ROOT, "sweep %s -> %s%n", s.runId(), s.output()));
    sb.append("models:\n");
    for (SweepPlan.ModelInfo m : p.models()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-24s %s  %s%n",
              m.name(),
              m.layers() > 0 ? m.layers() + " decoder layers" : "UNREADABLE",
              m.path()));
    }
    sb.append("benchmarks:\n");
    for (SweepPlan.BenchmarkInfo b : p.benchmarks()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-24s %s  %s%n",
              b.name(),
              b.samples() >= 0 ? b.samples() + " samples" : "UNREADABLE",
              b.path()));
    }
    Map<String, long[]> byState = new LinkedHashMap<>();
    long rows = 0;
    for (SweepPlan.CellPlan c : p.cells()) {
      byState.computeIfAbsent(c.state(), k -> new long[1])[0]++;
      rows += c.rows();
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "cells: %d (%s); prediction rows to generate: %,d%n",
            p.cells().size(),
            String.join(
                ", ",
                byState.entrySet().stream().map(e -> e.getValue()[0] + " " + e.getKey()).toList()),
            rows));
    for (SweepPlan.CellPlan c : p.cells()) {
      if (c.state().equals("pending")) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  pending  %-20s %-18s %-28s %,8d rows%s%n",
                c.model(),
                c.benchmark(),
                c.method(),
                c.rows(),
                Double.isNaN(c.msPerSample())
                    ? ""
                    : String.format(Locale.ROOT, "  %.1f ms/sample", c.msPerSample())));
      }
    }
    SweepPlan.Estimate e = p.estimate();
    if (e != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "estimate on %d executors (%d tasks per model x benchmark pass, %d pass(es) in"
                  + " flight): executor time %s;"
                  + " wall %s (%s if perfectly spread; %.1f%% of executor time idle)%n",
              e.executors(),
              e.partitions(),
              p.sweep().passesInFlight(),
              duration(e.executorSeconds()),
              duration(e.wallSeconds()),
              duration(e.idealWallSeconds()),
              100 * e.idleFraction()));
    }
    if (p.problems().isEmpty()) {
      sb.append("problems: none\n");
    } else {
      sb.append("problems:\n");
      p.problems().forEach(x -> sb.append("  ").append(x).append('\n'));
    }
    return sb.toString();
  }

  static String toJson(SweepPlan p) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("run_id", p.sweep().runId());
    o.put("output", p.sweep().output());
    ArrayNode models = o.putArray("models");
    p.models()
        .forEach(
            m ->
                models
                    .addObject()
                    .put("name", m.name())
                    .put("path", m.path())
                    .put("layers", m.layers()));
    ArrayNode benchmarks = o.putArray("benchmarks");
    p.benchmarks()
        .forEach(
            b ->
                benchmarks
                    .addObject()
                    .put("name", b.name())
                    .put("path", b.path())
                    .put("samples", b.samples()));
    ArrayNode cells = o.putArray("cells");
    long rows = 0;
    for (SweepPlan.CellPlan c : p.cells()) {
      ObjectNode n =
          cells
              .addObject()
              .put("model", c.model())
              .put("benchmark", c.benchmark())
              .put("method", c.method())
              .put("state", c.state())
              .put("rows", c.rows());
      if (!Double.isNaN(c.msPerSample())) {
        n.put("ms_per_sample", c.msPerSample());
      }
      rows += c.rows();
    }
    o.put("rows_to_generate", rows);
    SweepPlan.Estimate e = p.estimate();
    if (e != null) {
      o.putObject("estimate")
          .put("executors", e.executors())
          .put("partitions", e.partitions())
          .put("executor_seconds", e.executorSeconds())
          .put("wall_seconds", e.wallSeconds())
          .put("ideal_wall_seconds", e.idealWallSeconds())
          .put("idle_fraction", e.idleFraction());
    }
    ArrayNode problems = o.putArray("problems");
    p.problems().forEach(problems::add);
    return json.writeValueAsString(o);
  }

  private static String problemsJson(List<String> problems) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    ArrayNode a = o.putArray("problems");
    problems.forEach(a::add);
    return json.writeValueAsString(o);
  }

  private static String duration(double seconds) {
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
