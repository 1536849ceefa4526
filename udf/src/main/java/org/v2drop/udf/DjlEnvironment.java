package org.v2drop.udf;

import java.nio.file.Path;

/**
 * DJL settings every JVM that loads an engine needs: offline mode and no tracking (otherwise DJL
 * calls home when its Engine class loads), and a cache directory under the executor's local
 * directory. Set as system properties before the first DJL class is touched, so executors behave
 * even when spark.executorEnv was not configured.
 */
public final class DjlEnvironment {
  private DjlEnvironment() {}

  /** Idempotent. */
  public static synchronized void apply(Path localDir) {
    setIfAbsent("DJL_OFFLINE", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("offline", "true");
    if (System.getenv("DJL_CACHE_DIR") == null) {
      setIfAbsent("DJL_CACHE_DIR", localDir.resolve("djl").toString());
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
