package org.v2drop.jobs.cli;

import java.nio.file.Path;
import java.util.Map;
import org.v2drop.jobs.eval.EvalMain;
import org.v2drop.jobs.eval.RunLease;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepParser;

/** {@code v2drop eval}: runs a sweep file on an embedded (or given) Spark master. */
final class EvalCommand {
  static final String USAGE =
      """
      usage: v2drop eval --sweep FILE [--master URL] [--conf k=v ...] [--batch-size N] [--force]
                         [--wait | --force-lease] [--dtype T]

      Runs a sweep (models x methods x benchmarks; see cluster-configs/sweeps/ for examples) and writes
        <output>/predictions/   one row per sample   (partitioned run_id/model/benchmark/method)
        <output>/metrics/       one row per metric   (same partitions)
        <output>/report/<run_id>/index.html   the run's page: charts, every cell, links to the reports
      then prints the summary table. Cells already complete for the sweep's run_id are skipped unless --force.
      --master   default local[*] (embedded); e.g. spark://host:7077, local-cluster[2,1,1024]
      --conf     Spark / Hadoop settings (spark.hadoop.fs.s3a.endpoint=..., spark.executor.memory=...)
      --batch-size  samples of one benchmark and method generated together; overrides the sweep's batch_size
                 (default 1). Batches are cut from the sorted sample ids, so results do not depend on partitioning.
      --dtype    every model's compute dtype, overriding the sweep's models[].dtype: auto (float16 on a GPU
                 executor, float32 on a CPU one), float32 or float16; bfloat16 is refused (DJL's PyTorch engine has
                 no such type). Predictions record the dtype each sample ran in. A model's committed cells are
                 not recomputed for another dtype: to compare precisions, list the checkpoint twice under two names.
      One run per run_id at a time: a run holds the lease <output>/_leases/<run_id>.json (host, pid, start, a
      heartbeat every 15 s) from before its first write until it ends. A second run of the same run_id fails at once
      naming the holder (exit status 4); runs of other run_ids on the same output are not affected.
      --wait         wait for the run holding the lease to end, then run (skipping the cells it committed)
      --force-lease  take the lease over now (a run known to be dead whose lease is not yet stale); a lease with no
                     heartbeat for 120 s is stale and taken over anyway. Both times are Spark settings:
                     spark.v2drop.lease.timeout, spark.v2drop.lease.heartbeat (--conf)
      Exit status 3 when a cell's error rate exceeds the sweep's error_rate_threshold, 4 when another live run
      holds the run_id's lease.
      """;

  private EvalCommand() {}

  static int run(Args args) {
    Path sweep = args.requiredPath("--sweep");
    String master = args.option("--master", null);
    boolean force = args.flag("--force");
    boolean wait = args.flag("--wait");
    boolean forceLease = args.flag("--force-lease");
    if (wait && forceLease) {
      throw new Args.UsageException("--wait and --force-lease exclude each other");
    }
    String dtype = args.option("--dtype", null);
    if (dtype != null) {
      try {
        dtype = org.v2drop.core.model.ComputeDType.check(dtype, "--dtype");
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException(e.getMessage());
      }
    }
    boolean batchGiven = args.has("--batch-size");
    int batchSize = args.positiveIntOption("--batch-size", 1);
    Map<String, String> conf = args.conf();
    args.finish();
    Sweep parsed = SweepParser.parse(sweep);
    if (batchGiven) {
      parsed = parsed.withBatchSize(batchSize);
    }
    if (dtype != null) {
      parsed = parsed.withDtype(dtype);
    }
    RunLease.Mode lease =
        wait ? RunLease.Mode.WAIT : forceLease ? RunLease.Mode.FORCE : RunLease.Mode.FAIL;
    return EvalMain.run(parsed, sweep.toString(), master, conf, force, lease) > 0 ? 3 : 0;
  }
}
