package org.v2drop.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Small aggregation helpers shared by the benchmarks. */
final class Metrics {
  private Metrics() {}

  static double mean(List<Scored> rows) {
    return rows.stream().mapToDouble(r -> r.score().score()).average().orElse(0);
  }

  /** {@code prefix/<group>} → mean score per group value, in first-seen order. */
  static Map<String, Double> meanBy(
      List<Scored> rows, String prefix, Function<Scored, String> key) {
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (Scored r : rows) {
      String k = key.apply(r);
      if (k == null) {
        continue;
      }
      double[] a = acc.computeIfAbsent(k, x -> new double[2]);
      a[0] += r.score().score();
      a[1]++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    acc.forEach((k, a) -> out.put(prefix + "/" + k, a[0] / a[1]));
    return out;
  }
}
