package org.v2drop.jobs.eval;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;

/**
 * Writes one cell of a report as its own Hive-style partition directory, replacing only that
 * directory. Readers see the usual partitioned table ({@code spark.read.parquet(root)} discovers
 * run_id, model, benchmark, method).
 */
public final class CellWriter {
  private CellWriter() {}

  /**
   * Replaces {@code root/run_id=R/model=M/benchmark=B/method=X} with {@code rows} (partition
   * columns dropped).
   */
  public static void overwrite(
      Dataset<Row> rows, String root, String runId, String model, String benchmark, String method) {
    rows.drop(ReportPaths.PARTITIONS)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(cellPath(root, runId, model, benchmark, method));
  }

  /** The directory of one cell: {@code root/run_id=R/model=M/benchmark=B/method=X}. */
  public static String cellPath(
      String root, String runId, String model, String benchmark, String method) {
    return partitionPath(
        partitionPath(
            partitionPath(partitionPath(root, "run_id", runId), "model", model),
            "benchmark",
            benchmark),
        "method",
        method);
  }

  /** {@code parent/column=value} with the value escaped as Spark escapes partition values. */
  public static String partitionPath(String parent, String column, String value) {
    return parent + "/" + column + "=" + ExternalCatalogUtils.escapePathName(value);
  }
}
