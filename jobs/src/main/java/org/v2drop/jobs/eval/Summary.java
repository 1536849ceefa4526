package org.v2drop.jobs.eval;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.v2drop.core.drop.Budget;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.stats.Interval;

/**
 * The table printed at the end of every run: per model × method × benchmark, the main metric, the
 * share of vanilla's it keeps and the latency ratio, each ± half its 95% interval, and the costs.
 */
public final class Summary {
  private Summary() {}

  public static String table(List<MetricRow> mains) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-18s %-30s %-16s %-18s %17s %15s %13s %7s %6s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "model",
            "method",
            "benchmark",
            "metric",
            "value ±95%",
            "retained% ±95%",
            "latency× ±95%",
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
              clip(r.metric(), 18),
              withInterval(r.value(), r.valueCi()),
              withInterval(r.retainedPct(), r.retainedCi()),
              withInterval(r.latencyRatio(), r.latencyRatioCi()),
              num(r.meanVisionTokens()),
              r.errors()));
    }
    return sb.toString();
  }

  /**
   * For the methods asked for at a budget ({@code <method>@budget:<B>}): per model and budget, one
   * line per benchmark with each method's main metric ± half its 95% interval, side by side, and
   * vanilla's for reference. Empty when no method names a budget.
   */
  public static String sideBySide(List<MetricRow> mains) {
    Map<String, Map<String, Map<String, MetricRow>>> byBudget = new TreeMap<>(); // model|budget
    Map<String, MetricRow> vanilla = new LinkedHashMap<>(); // model|benchmark
    Set<String> methods = new LinkedHashSet<>();
    for (MetricRow r : mains) {
      if (r.method().equals("vanilla")) {
        vanilla.put(r.model() + "|" + r.benchmark(), r);
        continue;
      }
      int at = r.method().indexOf("@" + MethodSpec.BUDGET);
      if (at < 0) {
        continue;
      }
      String budget = r.method().substring(at + 1 + MethodSpec.BUDGET.length());
      String method = r.method().substring(0, at);
      methods.add(method);
      byBudget
          .computeIfAbsent(r.model() + "|" + budget, k -> new LinkedHashMap<>())
          .computeIfAbsent(r.benchmark(), k -> new LinkedHashMap<>())
          .put(method, r);
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Map<String, Map<String, MetricRow>>> g : byBudget.entrySet()) {
      String[] mb = g.getKey().split("\\|", 2);
      sb.append(
          String.format(
              Locale.ROOT,
              "%n%s at budget %s (main metric ± half its 95%% interval; mean vision tokens):%n",
              mb[0],
              Budget.parse(mb[1]).describe()));
      sb.append(String.format(Locale.ROOT, "  %-16s %-20s", "benchmark", "vanilla"));
      methods.forEach(m -> sb.append(String.format(Locale.ROOT, " %-20s", m)));
      sb.append('\n');
      for (Map.Entry<String, Map<String, MetricRow>> b : g.getValue().entrySet()) {
        MetricRow v = vanilla.get(mb[0] + "|" + b.getKey());
        sb.append(
            String.format(
                Locale.ROOT,
                "  %-16s %-20s",
                clip(b.getKey(), 16),
                v == null ? "-" : withInterval(v.value(), v.valueCi())));
        for (String m : methods) {
          MetricRow r = b.getValue().get(m);
          sb.append(
              String.format(
                  Locale.ROOT,
                  " %-20s",
                  r == null
                      ? "-"
                      : withInterval(r.value(), r.valueCi())
                          + " ("
                          + String.format(Locale.ROOT, "%.1f", r.meanVisionTokens())
                          + ")"));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** {@code 0.833±0.061}: the value and half its interval's width ({@code -} for none). */
  static String withInterval(Double v, Interval ci) {
    String value = num(v);
    return ci == null || v == null ? value : value + "±" + num(ci.halfWidth());
  }

  /** 3 decimals below 10, 1 above (MME's scores run to the hundreds). */
  private static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "-";
    }
    return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.3f" : "%.1f", v);
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
