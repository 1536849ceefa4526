package org.v2drop.jobs.eval;

/** Where the reports of a sweep live, and how they are partitioned. */
public final class ReportPaths {
  private ReportPaths() {}

  public static String predictions(String output) {
    return trim(output) + "/predictions";
  }

  public static String metrics(String output) {
    return trim(output) + "/metrics";
  }

  /**
   * A private folder for one evaluation pass (removed afterwards; readers ignore names starting
   * with "_").
   */
  public static String staging(String output, String runId) {
    return trim(output) + "/_staging/" + runId + "-" + java.util.UUID.randomUUID();
  }

  /** Every staging folder of a run id (those of interrupted runs included). */
  public static String stagingGlob(String output, String runId) {
    return trim(output) + "/_staging/" + runId + "-*";
  }

  private static String trim(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
