package org.v2drop.udf;

/**
 * The columns that name a cell — one (run, model, benchmark, method) — in every table: the sample
 * rows the partition function reads carry benchmark and method, and both reports are partitioned by
 * all four, in this order.
 */
public final class CellColumns {
  public static final String RUN_ID = "run_id";
  public static final String MODEL = "model";
  public static final String BENCHMARK = "benchmark";
  public static final String METHOD = "method";

  /** Partition columns of both reports, outermost first: a cell is one directory. */
  public static final String[] PARTITIONS = {RUN_ID, MODEL, BENCHMARK, METHOD};

  private CellColumns() {}
}
