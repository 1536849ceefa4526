package org.v2drop.jobs.eval;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Spark sessions for the jobs. Precedence (lowest → highest): our defaults → spark-defaults /
 * spark-submit (already in the SparkConf) → {@code --conf k=v} from the command line. The embedded
 * default is {@code local[*]}.
 */
public final class Sessions {
  private Sessions() {}

  public static SparkSession create(String appName, String master, Map<String, String> conf) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    boolean submitted = System.getProperty("spark.master") != null;
    if (master != null) {
      b.master(master);
    } else if (!submitted) {
      b.master("local[*]");
    }
    if (!submitted) {
      b.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8");
    }
    b.config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .config("spark.executorEnv.DJL_OFFLINE", "true")
        .config("spark.executorEnv.OPT_OUT_TRACKING", "true")
        .config("spark.sql.parquet.compression.codec", "snappy");
    conf.forEach(b::config);
    return b.getOrCreate();
  }
}
