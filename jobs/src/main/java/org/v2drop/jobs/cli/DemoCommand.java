package org.v2drop.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.v2drop.core.drop.Budget;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.PaperSchedule;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.jobs.eval.EvalMain;
import org.v2drop.jobs.eval.RunLease;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.shapes.ShapesTask;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.EngineSpec;

/**
 * {@code v2drop demo}: the whole product on one machine — writes the ShapesVQA test split,
 * evaluates the demo model with vanilla, the three V²Drop presets, FastV, PyramidDrop and random on
 * embedded Spark, writes the reports and prints the summary.
 */
final class DemoCommand {
  static final String DEFAULT_MODEL = "models/shapes-llava-v2";

  /**
   * Samples per benchmark by default, and the generation length of every benchmark (also `v2drop
   * throughput`'s).
   */
  static final int DEFAULT_LIMIT = 60;

  static final int MAX_NEW_TOKENS = 16;
  static final String USAGE =
      """
      usage: v2drop demo [--out DIR] [--model DIR] [--limit N] [--batch-size N] [--master URL] [--force]

      Writes the ShapesVQA test split to DIR/suite, evaluates the demo model (default %s) with
      vanilla and v2drop, fastv, pdrop and random at the same budgets (50%% and 40%% of the vision tokens per
      layer on the 8-layer demo model; the paper's 192 / 128 / 64 on models deep enough; see `v2drop methods`)
      on embedded Spark (local[*]), writes DIR/predictions and DIR/metrics, and prints the summary table and,
      per budget, the methods side by side, each value ± half its 95%% interval.
      --out     default ./reports        --limit  samples per benchmark (default 60)
      --batch-size  samples generated together (default 1; answers equal one at a time up to float rounding)
      Re-running skips complete cells (run id "demo"); --force recomputes them.
      """
          .formatted(DEFAULT_MODEL);

  private DemoCommand() {}

  static int run(Args args) throws Exception {
    Path out = Path.of(args.option("--out", "reports")).toAbsolutePath();
    Path model = Path.of(args.option("--model", DEFAULT_MODEL)).toAbsolutePath();
    int limit = args.intOption("--limit", DEFAULT_LIMIT);
    int batchSize = args.positiveIntOption("--batch-size", 1);
    String master = args.option("--master", null);
    boolean force = args.flag("--force");
    args.finish();
    if (!Files.isDirectory(model)) {
      throw new Args.UsageException("--model " + model + ": no such checkpoint directory");
    }
    int layers = ModelFamilies.of(model).decoderLayers(model);
    Path suite = out.resolve("suite");
    if (!Files.isDirectory(suite.resolve("_prompts"))) {
      System.err.println("demo: writing the ShapesVQA test split to " + suite);
      ShapesSuite.write(
          new org.apache.hadoop.fs.Path(suite.toUri()),
          "test",
          ShapesSuite.TEST_COUNTS,
          0,
          new Configuration(),
          msg -> System.err.println("demo: " + msg));
    }
    List<Sweep.BenchmarkRef> benchmarks = new ArrayList<>();
    for (ShapesTask t : ShapesSuite.TASKS) {
      String name = t.benchmark().name();
      benchmarks.add(new Sweep.BenchmarkRef(name, suite.resolve(name).toString(), null, limit));
    }
    Sweep sweep =
        new Sweep(
            "demo",
            out.toString(),
            List.of(new Sweep.ModelRef(model.getFileName().toString(), model.toString())),
            methods(layers),
            benchmarks,
            Map.of(EngineSpec.ALL_BENCHMARKS, MAX_NEW_TOKENS),
            0.05,
            0,
            batchSize);
    System.err.println(
        "demo: evaluating "
            + sweep.methods().size()
            + " methods x "
            + benchmarks.size()
            + " benchmarks ("
            + limit
            + " samples each) with "
            + model.getFileName());
    return EvalMain.run(sweep, "bin/v2drop demo", master, Map.of(), force, RunLease.Mode.FAIL) > 0
        ? 3
        : 0;
  }

  /** The methods the demo compares, each at every budget of {@link #budgets}. */
  static final List<String> COMPARED = List.of("v2drop", "fastv", "pdrop", "random");

  /**
   * Vanilla, and every compared method at the same budgets for a model of {@code layers} decoder
   * layers: the paper's 192 / 128 / 64 where the depth allows them, else 50% and 40% (the demo
   * model's 8 layers keep at least 37.5% before the first drop at layer 3).
   */
  static List<String> methods(int layers) {
    List<String> out = new java.util.ArrayList<>(List.of("vanilla"));
    for (String budget : budgets(layers)) {
      for (String m : COMPARED) {
        out.add(m + "@" + MethodSpec.BUDGET + budget);
      }
    }
    return out;
  }

  static List<String> budgets(int layers) {
    List<String> paper = List.of("192", "128", "64");
    boolean fits =
        paper.stream()
            .allMatch(
                b -> Budget.parse(b).share() > (double) PaperSchedule.FIRST_DROP_LAYER / layers);
    return fits ? paper : List.of("50%", "40%");
  }
}
