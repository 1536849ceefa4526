package org.v2drop.jobs.cli;

import java.util.List;
import java.util.Locale;
import org.v2drop.core.drop.DropSchedule;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.MethodSpecException;
import org.v2drop.core.drop.PaperSchedule;
import org.v2drop.core.drop.Preset;
import org.v2drop.jobs.eval.EvalMain;
import org.v2drop.jobs.eval.RunLease;

/**
 * {@code bin/v2drop}: the command-line entry point. Each command prints its own usage with --help.
 */
public final class Main {
  static final String USAGE =
      """
      usage: v2drop <command> [options]     (v2drop <command> --help for details)

      commands:
        demo      the ShapesVQA demo sweep on embedded Spark (suite, demo model, every method) -> ./reports
        plan      check a sweep before running it: cells, rows, problems, and the time it will take
        eval      run a sweep (models x methods x benchmarks) on Spark into Parquet reports and a report page
        report    (re)write a run's report page (<output>/report/<run_id>/index.html) from its reports
        trace     one generation with a drop method, printed as JSON (conformance and debugging)
        bench     time generations on synthetic inputs (vision, prefill, decode, FLOPs, RSS) as JSON
        throughput  the demo sweep's samples in one JVM without Spark, batched or not: samples/s as JSON
        score     rescore predictions (JSONL) with the lmms-eval scorers
        shapes    write the ShapesVQA synthetic suite (real lmms-eval layouts) to a local/HDFS/S3 path
        methods   the method-spec grammar and the presets with their layer-averaged vision tokens

      Environment: DJL_OFFLINE=true and OPT_OUT_TRACKING=true are set by bin/v2drop; nothing touches the network.
      """;

  private Main() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  /**
   * Runs one command; returns its exit status (0 ok, 1 error, 2 usage, 3 cells over the error
   * threshold, 4 another run holds the sweep's run id).
   */
  public static int run(String[] argv) {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
      System.out.print(USAGE);
      return argv.length == 0 ? 2 : 0;
    }
    String command = argv[0];
    String usage =
        switch (command) {
          case "trace" -> TraceCommand.USAGE;
          case "bench" -> BenchCommand.USAGE;
          case "throughput" -> ThroughputCommand.USAGE;
          case "score" -> ScoreCommand.USAGE;
          case "eval" -> EvalCommand.USAGE;
          case "plan" -> PlanCommand.USAGE;
          case "report" -> ReportCommand.USAGE;
          case "demo" -> DemoCommand.USAGE;
          case "shapes" -> ShapesCommand.USAGE;
          case "methods" -> METHODS_USAGE;
          default -> null;
        };
    if (usage == null) {
      System.err.println("v2drop: unknown command '" + command + "'\n\n" + USAGE);
      return 2;
    }
    if (List.of(argv).contains("--help")) {
      System.out.print(usage);
      return 0;
    }
    try {
      Args args =
          new Args(
              argv,
              1,
              List.of(
                  "--force",
                  "--serve",
                  "--json",
                  "--wait",
                  "--force-lease",
                  "--count-native-calls"));
      return switch (command) {
        case "trace" -> TraceCommand.run(args);
        case "bench" -> BenchCommand.run(args);
        case "throughput" -> ThroughputCommand.run(args);
        case "score" -> ScoreCommand.run(args);
        case "eval" -> EvalCommand.run(args);
        case "plan" -> PlanCommand.run(args);
        case "report" -> ReportCommand.run(args);
        case "demo" -> DemoCommand.run(args);
        case "shapes" -> ShapesCommand.run(args);
        case "methods" -> methods(args);
        default -> 2;
      };
    } catch (Args.UsageException e) {
      System.err.println("v2drop " + command + ": " + e.getMessage() + "\n\n" + usage);
      return 2;
    } catch (RunLease.HeldException e) { // another run of the sweep: its holder, in one line
      System.err.println("v2drop " + command + ": " + e.getMessage());
      return EvalMain.BUSY;
    } catch (Exception e) {
      System.err.println("v2drop " + command + ": error: " + e.getMessage());
      if (System.getenv("V2DROP_DEBUG") != null) {
        e.printStackTrace();
      }
      return 1;
    }
  }

  static final String METHODS_USAGE =
      """
      usage: v2drop methods [--layers N | --model DIR]

      Prints the method-spec grammar, the presets and the budget rule, and each method's schedule at the
      paper's budgets for a model of N decoder layers (default: LLaVA-1.5's 32, the 28 of Qwen2-VL and the 8 of
      the demo model), or for the checkpoint in DIR.
      """;

  private static int methods(Args args) {
    String model = args.option("--model", null);
    int given = args.intOption("--layers", 0);
    args.finish();
    List<Integer> depths =
        model != null
            ? List.of(
                org.v2drop.core.family.ModelFamilies.of(java.nio.file.Path.of(model))
                    .decoderLayers(java.nio.file.Path.of(model)))
            : given > 0 ? List.of(given) : List.of(PaperSchedule.REFERENCE_LAYERS, 28, 8);
    StringBuilder sb = new StringBuilder();
    sb.append(
        """
        method spec: vanilla | <method>@<layer>:<ratio>[,...] | <method>@<preset> | <method>@budget:<B>
          methods: vanilla, v2drop, fastv (one stage), pdrop (renumbers positions), random
          ratio = share of the alive vision tokens kept at that layer; k = max(1, floor(alive * ratio))

        budgets: B is the layer-averaged share of the vision tokens kept, in the paper's counting: a number of
          tokens out of LLaVA-1.5's 576 per image (192 = 33.3%, 128 = 22.2%, 64 = 11.1%), or a percentage (40%).
          So budget:192 keeps a third of the vision tokens on average over the layers, on any model.
          V2Drop, PDrop and random drop at the paper's three layers with ratios r, r, 0; FastV drops once, at the
          first of them; r is solved so that the layer average equals the budget. Every method at one budget
          keeps the same number of vision tokens per layer on average; only the ranking differs.
          Budgets mean the same on every model family (LLaVA, Qwen2-VL / Qwen2.5-VL): a share of whatever
          vision tokens the image or video gives (dynamic resolution changes the count, not the share).
        depths: the first drop is at layer 3 on every depth (the paper's, on its 32- and 28-layer models: three
          layers of real work before any token is judged); the paper's later layers 17 and 22 of 32 map to
          round(3 + (l - 3) * (D - 3) / 29). A budget below 3 / D (every token runs the first 3 layers) is refused.
        named budgets (LLaVA-NeXT, up to 2,880 vision tokens per image: the shares of LLaVA-1.5's 192 / 128 / 64),
          any method: <method>@<name> is <method>@budget:<share>
        """);
    for (java.util.Map.Entry<String, Double> b : org.v2drop.core.drop.Budget.NAMED.entrySet()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-14s keeps %.1f%% of the vision tokens on the layer average (%.0f of 2,880)%n",
              b.getKey(),
              100 * b.getValue(),
              2880 * b.getValue()));
    }
    sb.append(
        """
        presets (V2Drop's published schedules: LLaVA-1.5-7B's on 32 layers, Qwen2-VL-7B's on 28; layers mapped
          from their own depth as above on other depths, ratios kept):
        """);
    for (Preset p : Preset.values()) {
      DropSchedule own = p.scaledTo(p.referenceLayers());
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-10s %-22s on its %d layers: layer-averaged share %.1f%% (%.1f of %d)%n",
              p.id(),
              own,
              p.referenceLayers(),
              100 * p.referenceAverage() / PaperSchedule.REFERENCE_VISION_TOKENS,
              p.referenceAverage(),
              PaperSchedule.REFERENCE_VISION_TOKENS));
    }
    for (int depth : depths) {
      sb.append(
          String.format(Locale.ROOT, "%nschedules on a model of %d decoder layers:%n", depth));
      for (String budget : List.of("192", "128", "64")) {
        for (String m : List.of("v2drop", "pdrop", "random", "fastv")) {
          String spec = m + "@" + MethodSpec.BUDGET + budget;
          String line;
          try {
            DropSchedule sch = MethodSpec.parse(spec).schedule(depth);
            line =
                String.format(
                    Locale.ROOT,
                    "%-36s layer-averaged share %.1f%%",
                    m + "@" + sch,
                    100
                        * sch.averageVisionTokens(PaperSchedule.REFERENCE_VISION_TOKENS, depth)
                        / PaperSchedule.REFERENCE_VISION_TOKENS);
          } catch (MethodSpecException e) {
            line =
                "not available: " + e.getMessage().replaceAll("^invalid method spec '[^']*': ", "");
          }
          sb.append(String.format(Locale.ROOT, "  %-20s %s%n", spec, line));
        }
      }
      for (Preset p : Preset.values()) {
        String line;
        try {
          DropSchedule sch = p.scaledTo(depth);
          line =
              String.format(
                  Locale.ROOT,
                  "%-36s layer-averaged share %.1f%%",
                  "v2drop@" + sch,
                  100
                      * sch.averageVisionTokens(PaperSchedule.REFERENCE_VISION_TOKENS, depth)
                      / PaperSchedule.REFERENCE_VISION_TOKENS);
        } catch (IllegalArgumentException e) {
          line = "not available: " + e.getMessage();
        }
        sb.append(String.format(Locale.ROOT, "  %-20s %s%n", "v2drop@" + p.id(), line));
      }
    }
    System.out.print(sb);
    return 0;
  }
}
