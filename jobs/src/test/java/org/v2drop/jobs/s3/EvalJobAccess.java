package org.v2drop.jobs.s3;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Test access to what the eval job ships to executors for fetching remote checkpoints. */
final class EvalJobAccess {
  private EvalJobAccess() {}

  static Map<String, String> remoteFetchConf(SparkSession spark) {
    return org.v2drop.jobs.eval.EvalJobTestHook.remoteFetchConf(spark);
  }
}
