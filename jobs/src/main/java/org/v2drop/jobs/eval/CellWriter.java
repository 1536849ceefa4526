package org.v2drop.jobs.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.v2drop.udf.CellColumns;

/**
 * Commits one cell of a report as its own Hive-style partition directory, replacing only that
 * directory. Readers see the usual partitioned table ({@code spark.read.parquet(root)} discovers
 * run_id, model, benchmark, method) and never a part of a cell: on file systems whose directory
 * rename is atomic (local, HDFS) a cell written completely elsewhere, its {@code _SUCCESS} marker
 * included, is renamed into place in one step; on object stores (S3A) the cell is written by
 * Spark's committer (the magic committer publishes it at job commit).
 */
public final class CellWriter {
  /** Schemes whose directory rename is one atomic metadata operation. */
  private static final Set<String> ATOMIC_RENAME = Set.of("file", "hdfs");

  private CellWriter() {}

  /**
   * Makes {@code staged} (a directory of Parquet files holding one cell's rows without the
   * partition columns) the cell {@code root/run_id=R/model=M/benchmark=B/method=X}, replacing a
   * cell already there.
   */
  public static void commit(
      SparkSession spark,
      String staged,
      String root,
      String runId,
      String model,
      String benchmark,
      String method) {
    Path from = new Path(staged);
    Path to = new Path(cellPath(root, runId, model, benchmark, method));
    try {
      FileSystem fs = to.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!ATOMIC_RENAME.contains(fs.getScheme())) {
        overwrite(spark.read().parquet(staged), to.toString());
        return;
      }
      fs.create(new Path(from, SUCCESS), true).close(); // the marker travels with the cell
      fs.mkdirs(to.getParent());
      if (fs.exists(to) && !fs.delete(to, true)) {
        throw new IOException("cannot remove the previous cell");
      }
      if (!fs.rename(from, to)) {
        throw new IOException("rename from " + from + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit cell " + to + ": " + e.getMessage(), e);
    }
  }

  /** The marker of a committed cell: a cell is complete when it is there. */
  public static final String SUCCESS = "_SUCCESS";

  /** Replaces the cell at {@code path} with {@code rows} (partition columns dropped). */
  private static void overwrite(Dataset<Row> rows, String path) {
    rows.drop(CellColumns.PARTITIONS).write().mode(SaveMode.Overwrite).parquet(path);
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
