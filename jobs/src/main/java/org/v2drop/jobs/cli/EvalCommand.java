package org.v2drop.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.v2drop.jobs.eval.EvalMain;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepParser;

/** {@code v2drop eval}: runs a sweep file on an embedded (or given) Spark master. */
final class EvalCommand {
  static final String USAGE =
      """
      usage: v2drop eval --sweep FILE [--master URL] [--conf k=v ...] [--batch-size N] [--force]

      Runs a sweep (models x methods x benchmarks; see cluster-configs/sweeps/ for examples) and writes
        <output>/predictions/   one row per sample   (partitioned run_id/model/benchmark/method)
        <output>/metrics/       one row per metric   (same partitions)
      then prints the summary table. Cells already complete for the sweep's run_id are skipped unless --force.
      --master   default local[*] (embedded); e.g. spark://host:7077, local-cluster[2,1,1024]
      --conf     Spark / Hadoop settings (spark.hadoop.fs.s3a.endpoint=..., spark.executor.memory=...)
      --batch-size  samples of one benchmark and method generated together; overrides the sweep's batch_size
                 (default 1). Batches are cut from the sorted sample ids, so results do not depend on partitioning.
      Exit status 3 when a cell's error rate exceeds the sweep's error_rate_threshold.
      """;

  private EvalCommand() {}

  static int run(Args args) {
    Path sweep = args.requiredPath("--sweep");
    String master = args.option("--master", null);
    boolean force = args.flag("--force");
    boolean batchGiven = args.has("--batch-size");
    int batchSize = args.positiveIntOption("--batch-size", 1);
    Map<String, String> conf = new LinkedHashMap<>();
    for (String kv : args.all("--conf")) {
      String[] p = kv.split("=", 2);
      if (p.length != 2) {
        throw new Args.UsageException("--conf expects k=v, found '" + kv + "'");
      }
      conf.put(p[0], p[1]);
    }
    args.finish();
    Sweep parsed = SweepParser.parse(sweep);
    if (batchGiven) {
      parsed = parsed.withBatchSize(batchSize);
    }
    return EvalMain.run(parsed, master, conf, force) > 0 ? 3 : 0;
  }
}
