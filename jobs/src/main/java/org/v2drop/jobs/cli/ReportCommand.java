package org.v2drop.jobs.cli;

import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.eval.Sessions;
import org.v2drop.jobs.report.ReportPage;

/** {@code v2drop report}: (re)writes a run's report page from its reports. */
final class ReportCommand {
  static final String USAGE =
      """
      usage: v2drop report --output PATH --run-id ID [--master URL] [--conf k=v ...]

      Writes PATH/report/ID/index.html from the run's reports under PATH (local, hdfs://, s3a://): the page every
      eval and demo run leaves behind, self-contained (charts inline, nothing fetched) — the run (sweep, checkpoint
      fingerprints, versions, device, precision, time, rows, errors, from run.json when the run wrote one), each
      benchmark's main metric against the vision tokens kept with 95% intervals (and the paper's points for
      LLaVA-1.5-7B), time per method relative to vanilla, where the kept vision tokens lie, and every cell in a
      sortable table linked to its Parquet partitions. Prints the page's path.
      --master   default local[*] (embedded)
      --conf     Spark / Hadoop settings (spark.hadoop.fs.s3a.endpoint=..., ...)
      """;

  private ReportCommand() {}

  static int run(Args args) {
    String output = args.required("--output");
    String runId = args.required("--run-id");
    String master = args.option("--master", null);
    Map<String, String> conf = args.conf();
    args.finish();
    SparkSession spark = Sessions.create("v2drop-report-" + runId, master, conf);
    try {
      Path page = ReportPage.write(spark, output, runId);
      System.out.println(page);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
