package org.v2drop.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.jobs.eval.EvalMain;
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
      vanilla, v2drop@llava-192/128/64 (scaled to the model's depth), fastv, pdrop and random on embedded Spark
      (local[*]), writes DIR/predictions and DIR/metrics, and prints the summary table.
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
    int layers = LlavaConfig.load(model).text().numHiddenLayers();
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
    return EvalMain.run(sweep, master, Map.of(), force) > 0 ? 3 : 0;
  }

  /**
   * Every method at budgets comparable with the presets, for a model of {@code layers} decoder
   * layers.
   */
  static List<String> methods(int layers) {
    int q = Math.max(1, Math.round(layers / 4f));
    return List.of(
        "vanilla",
        "v2drop@llava-192",
        "v2drop@llava-128",
        "v2drop@llava-64",
        "fastv@2:0.5",
        "pdrop@" + q + ":0.5," + 2 * q + ":0.5," + 3 * q + ":0.5",
        "random@llava-192");
  }
}
