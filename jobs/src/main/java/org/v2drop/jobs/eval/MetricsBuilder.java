package org.v2drop.jobs.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.stats.Bootstrap;
import org.v2drop.core.stats.Interval;

/**
 * Turns cell results into metric rows, adding the comparisons with the vanilla cell of the same
 * model and benchmark: FLOPs and latency ratios, and retained % (this method's value as % of
 * vanilla's; null without a vanilla cell), with paired 95% intervals of the last two on the samples
 * both cells answered ({@link Bootstrap#paired}).
 */
public final class MetricsBuilder {
  private MetricsBuilder() {}

  public static List<MetricRow> rows(String runId, List<CellResult> cells) {
    List<MetricRow> out = new ArrayList<>();
    for (CellResult c : cells) {
      CellResult vanilla =
          cells.stream()
              .filter(
                  v ->
                      v.method().equals("vanilla")
                          && v.model().equals(c.model())
                          && v.benchmark().equals(c.benchmark()))
              .findFirst()
              .orElse(null);
      Map<String, Double> base = vanilla == null ? Map.of() : vanilla.metrics();
      Double flops =
          vanilla == null || vanilla.meanFlops() == 0 ? null : c.meanFlops() / vanilla.meanFlops();
      Double latency =
          vanilla == null || vanilla.meanTotalMs() == 0
              ? null
              : c.meanTotalMs() / vanilla.meanTotalMs();
      Bootstrap.Paired paired =
          vanilla == null || c.scored().isEmpty() || vanilla.scored().isEmpty()
              ? new Bootstrap.Paired(Map.of(), null)
              : Bootstrap.paired(
                  Benchmarks.byName(c.benchmark()),
                  c.scored(),
                  c.latenciesMs(),
                  vanilla.scored(),
                  vanilla.latenciesMs(),
                  CellAggregator.seed(c.model(), c.benchmark()));
      Interval latencyCi = latency == null ? null : paired.latencyRatio();
      if (c.metrics().isEmpty()) {
        out.add(
            new MetricRow(
                runId,
                c.model(),
                c.method(),
                c.schedule(),
                c.benchmark(),
                c.mainMetric(),
                null,
                null,
                c.samples(),
                c.errors(),
                c.samplesPerS(),
                c.latencyP50(),
                c.latencyP95(),
                c.meanVisionTokens(),
                flops,
                latency,
                latencyCi,
                null,
                null,
                true));
        continue;
      }
      for (Map.Entry<String, Double> m : c.metrics().entrySet()) {
        Double b = base.get(m.getKey());
        Double retained = b == null || b == 0 ? null : 100 * m.getValue() / b;
        out.add(
            new MetricRow(
                runId,
                c.model(),
                c.method(),
                c.schedule(),
                c.benchmark(),
                m.getKey(),
                m.getValue(),
                c.intervals().get(m.getKey()),
                c.samples(),
                c.errors(),
                c.samplesPerS(),
                c.latencyP50(),
                c.latencyP95(),
                c.meanVisionTokens(),
                flops,
                latency,
                latencyCi,
                retained,
                retained == null ? null : paired.retainedPct().get(m.getKey()),
                m.getKey().equals(c.mainMetric())));
      }
    }
    return out;
  }
}
