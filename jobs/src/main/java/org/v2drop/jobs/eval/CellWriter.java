package org.v2drop.jobs.eval;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.v2drop.udf.CellColumns;

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
    rows.drop(CellColumns.PARTITIONS)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(cellPath(root, runId, model, benchmark, method));
  }

  /** The directory of one cell: {@code root/run_id=R/model=M/benchmark=B/method=X}. */
  public static String cellPath(
      String root, String runId, String model, String benchmark, String method) {
    String run = partitionPath(root, CellColumns.RUN_ID, runId);
    return partitionPath(
        partitionPath(
            partitionPath(run, CellColumns.MODEL, model), CellColumns.BENCHMARK, benchmark),
        CellColumns.METHOD,
        method);
  }

  /** {@code parent/column=value} with the value escaped as Spark escapes partition values. */
  public static String partitionPath(String parent, String column, String value) {
    return parent + "/" + column + "=" + ExternalCatalogUtils.escapePathName(value);
  }
}
