package org.v2drop.jobs.cli;

import java.util.List;
import org.v2drop.core.drop.Preset;

/**
 * {@code bin/v2drop}: the command-line entry point. Each command prints its own usage with --help.
 */
public final class Main {
  static final String USAGE =
      """
      usage: v2drop <command> [options]     (v2drop <command> --help for details)

      commands:
        demo      the ShapesVQA demo sweep on embedded Spark (suite, demo model, every method) -> ./reports
        eval      run a sweep (models x methods x benchmarks) on Spark into Parquet reports
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
   * threshold).
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
          case "demo" -> DemoCommand.USAGE;
          case "shapes" -> ShapesCommand.USAGE;
          case "methods" -> "usage: v2drop methods\n";
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
      Args args = new Args(argv, 1, List.of("--force", "--serve"));
      return switch (command) {
        case "trace" -> TraceCommand.run(args);
        case "bench" -> BenchCommand.run(args);
        case "throughput" -> ThroughputCommand.run(args);
        case "score" -> ScoreCommand.run(args);
        case "eval" -> EvalCommand.run(args);
        case "demo" -> DemoCommand.run(args);
        case "shapes" -> ShapesCommand.run(args);
        case "methods" -> methods(args);
        default -> 2;
      };
    } catch (Args.UsageException e) {
      System.err.println("v2drop " + command + ": " + e.getMessage() + "\n\n" + usage);
      return 2;
    } catch (Exception e) {
      System.err.println("v2drop " + command + ": error: " + e.getMessage());
      if (System.getenv("V2DROP_DEBUG") != null) {
        e.printStackTrace();
      }
      return 1;
    }
  }

  private static int methods(Args args) {
    args.finish();
    StringBuilder sb = new StringBuilder();
    sb.append("method spec: vanilla | <method>@<layer>:<ratio>[,...] | <method>@<preset>\n");
    sb.append(
        "  methods: vanilla, v2drop, fastv (one stage), pdrop (renumbers positions), random\n");
    sb.append(
        "  ratio = fraction of the alive vision tokens kept; k = max(1, floor(alive * ratio))\n");
    sb.append(
        "presets (layers for 32-layer LLaVA-1.5, scaled by round(layer * depth / 32) for other depths):\n");
    for (Preset p : Preset.values()) {
      sb.append(
          String.format(
              "  %-10s %-22s layer-averaged vision tokens %.1f (of %d)%n",
              p.id(),
              p.scaledTo(Preset.REFERENCE_LAYERS),
              p.referenceAverage(),
              Preset.REFERENCE_VISION_TOKENS));
    }
    System.out.print(sb);
    return 0;
  }
}
