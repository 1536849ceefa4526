package org.v2drop.jobs.eval;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Exposes package-private parts of the eval job to tests in other packages. */
public final class EvalJobTestHook {
  private EvalJobTestHook() {}

  public static Map<String, String> remoteFetchConf(SparkSession spark) {
    return EvalJob.remoteFetchConf(spark);
  }
}
