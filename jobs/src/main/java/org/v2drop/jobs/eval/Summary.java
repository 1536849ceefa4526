package org.v2drop.jobs.eval;

import java.util.List;
import java.util.Locale;

/**
 * The table printed at the end of every run: per model × method × benchmark, the main metric and
 * the costs.
 */
public final class Summary {
  private Summary() {}

  public static String table(List<MetricRow> mains) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-18s %-30s %-16s %-20s %9s %9s %9s %9s %7s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "model",
            "method",
            "benchmark",
            "metric",
            "value",
            "retained%",
            "latency×",
            "tokens",
            "errors"));
    for (MetricRow r : mains) {
      sb.append(
          String.format(
              Locale.ROOT,
              fmt,
              clip(r.model(), 18),
              clip(r.method(), 30),
              clip(r.benchmark(), 16),
              clip(r.metric(), 20),
              num(r.value()),
              num(r.retainedPct()),
              num(r.latencyRatio()),
              num(r.meanVisionTokens()),
              r.errors()));
    }
    return sb.toString();
  }

  private static String num(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
