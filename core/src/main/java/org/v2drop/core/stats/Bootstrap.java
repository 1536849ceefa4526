package org.v2drop.core.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Scored;
import org.v2drop.core.bench.Tally;

/**
 * Percentile bootstrap intervals (95%) of a cell's metrics, and paired intervals of a method's
 * metrics and latency relative to vanilla's on the same samples.
 *
 * <p>What is resampled is the benchmark's scoring unit ({@link Benchmark#unit}): a sample, MME's
 * question pair, MMBench's circular group; each resample draws as many units as the cell has, with
 * replacement, and recomputes the metrics with the benchmark's own aggregation (so F1, MME's pair
 * score and MMBench's circular accuracy are resampled as what they are): the resample's tally, the
 * sum of the drawn units' tallies ({@link Tally}), through {@link Benchmark#metrics} — the function
 * that computes the cell's own metrics, so a resample costs a few additions per unit. A paired
 * resample draws the units both cells hold and evaluates the method and vanilla on the same draw,
 * so the interval of a ratio reflects how the two differ on the same samples, not each one's own
 * spread. The seed is fixed by the caller (per model and benchmark): intervals are reproducible,
 * and every method of one model × benchmark sees the same draws.
 */
public final class Bootstrap {
  /** Resamples per interval. */
  public static final int RESAMPLES = 1000;

  private static final double ALPHA = 0.05;

  private Bootstrap() {}

  /** A cell's rows grouped by unit, units in a fixed (sorted) order. */
  static List<List<Scored>> units(Benchmark b, List<Scored> rows) {
    Map<String, List<Scored>> byUnit = new TreeMap<>();
    for (Scored r : rows) {
      byUnit.computeIfAbsent(b.unit(r.sample()), k -> new ArrayList<>()).add(r);
    }
    return new ArrayList<>(byUnit.values());
  }

  /** Each unit's tally, in the order given. */
  private static Tally.Units tallies(Benchmark b, List<List<Scored>> units) {
    List<Tally> out = new ArrayList<>(units.size());
    for (List<Scored> u : units) {
      Tally t = new Tally();
      b.tally(u, t);
      out.add(t);
    }
    return new Tally.Units(out);
  }

  /** The 95% interval of every metric of {@code rows} (a metric missing from a resample is NaN). */
  public static Map<String, Interval> metrics(Benchmark b, List<Scored> rows, long seed) {
    List<List<Scored>> units = units(b, rows);
    Map<String, double[]> draws = new LinkedHashMap<>();
    if (units.isEmpty()) {
      return Map.of();
    }
    Tally.Units tallies = tallies(b, units);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int k = 0; k < RESAMPLES; k++) {
      Map<String, Double> m = b.metrics(tallies.draw(draw(rng, units.size())));
      for (Map.Entry<String, Double> e : m.entrySet()) {
        draws.computeIfAbsent(e.getKey(), x -> nans())[k] = e.getValue();
      }
    }
    Map<String, Interval> out = new LinkedHashMap<>();
    draws.forEach((metric, values) -> put(out, metric, values));
    return out;
  }

  /**
   * Paired intervals of a method against vanilla on the units both cells hold.
   *
   * @param retainedPct per metric: 100 × the method's value / vanilla's
   * @param latencyRatio the method's mean latency / vanilla's, over the same rows
   */
  public record Paired(Map<String, Interval> retainedPct, Interval latencyRatio) {}

  /**
   * @param methodMs the method's latency per row of {@code method}, in the same order
   * @param vanillaMs vanilla's latency per row of {@code vanilla}, in the same order
   */
  public static Paired paired(
      Benchmark b,
      List<Scored> method,
      double[] methodMs,
      List<Scored> vanilla,
      double[] vanillaMs,
      long seed) {
    Map<String, List<Integer>> m = rowsByUnit(b, method);
    Map<String, List<Integer>> v = rowsByUnit(b, vanilla);
    List<String> common = new ArrayList<>(new TreeMap<>(m).keySet());
    common.retainAll(v.keySet());
    if (common.isEmpty()) {
      return new Paired(Map.of(), null);
    }
    List<List<Scored>> mRows = new ArrayList<>();
    List<List<Scored>> vRows = new ArrayList<>();
    double[][] mMs = new double[common.size()][];
    double[][] vMs = new double[common.size()][];
    for (int u = 0; u < common.size(); u++) {
      mRows.add(pick(method, m.get(common.get(u))));
      vRows.add(pick(vanilla, v.get(common.get(u))));
      mMs[u] = pick(methodMs, m.get(common.get(u)));
      vMs[u] = pick(vanillaMs, v.get(common.get(u)));
    }
    Tally.Units mUnits = tallies(b, mRows);
    Tally.Units vUnits = tallies(b, vRows);
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, double[]> retained = new LinkedHashMap<>();
    double[] latency = nans();
    for (int k = 0; k < RESAMPLES; k++) {
      int[] idx = draw(rng, common.size());
      Map<String, Double> mv = b.metrics(mUnits.draw(idx));
      Map<String, Double> vv = b.metrics(vUnits.draw(idx));
      for (Map.Entry<String, Double> e : mv.entrySet()) {
        Double base = vv.get(e.getKey());
        double r = base == null || base == 0 ? Double.NaN : 100 * e.getValue() / base;
        retained.computeIfAbsent(e.getKey(), x -> nans())[k] = r;
      }
      double vSum = sum(vMs, idx);
      latency[k] = vSum == 0 ? Double.NaN : mean(mMs, idx) / mean(vMs, idx);
    }
    Map<String, Interval> out = new LinkedHashMap<>();
    retained.forEach((metric, values) -> put(out, metric, values));
    return new Paired(out, percentiles(latency));
  }

  /** {@code n} unit indices drawn uniformly with replacement. */
  private static int[] draw(SplittableRandom rng, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = rng.nextInt(n);
    }
    return idx;
  }

  private static Map<String, List<Integer>> rowsByUnit(Benchmark b, List<Scored> rows) {
    Map<String, List<Integer>> out = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      out.computeIfAbsent(b.unit(rows.get(i).sample()), k -> new ArrayList<>()).add(i);
    }
    return out;
  }

  private static List<Scored> pick(List<Scored> rows, List<Integer> at) {
    List<Scored> out = new ArrayList<>(at.size());
    at.forEach(i -> out.add(rows.get(i)));
    return out;
  }

  private static double[] pick(double[] values, List<Integer> at) {
    double[] out = new double[at.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[at.get(i)];
    }
    return out;
  }

  private static double sum(double[][] perUnit, int[] idx) {
    double s = 0;
    for (int u : idx) {
      for (double x : perUnit[u]) {
        s += x;
      }
    }
    return s;
  }

  private static double mean(double[][] perUnit, int[] idx) {
    double s = 0;
    int n = 0;
    for (int u : idx) {
      for (double x : perUnit[u]) {
        s += x;
        n++;
      }
    }
    return s / n;
  }

  private static double[] nans() {
    double[] a = new double[RESAMPLES];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  private static void put(Map<String, Interval> out, String metric, double[] values) {
    Interval i = percentiles(values);
    if (i != null) {
      out.put(metric, i);
    }
  }

  /**
   * The 2.5th and 97.5th percentiles (nearest rank) of the finite values; null when fewer than half
   * the resamples gave one (a metric undefined on most draws has no interval).
   */
  static Interval percentiles(double[] values) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (finite.length < values.length / 2 || finite.length == 0) {
      return null;
    }
    int n = finite.length;
    int lo = Math.max(0, (int) Math.ceil(ALPHA / 2 * n) - 1);
    int hi = Math.min(n - 1, (int) Math.ceil((1 - ALPHA / 2) * n) - 1);
    return new Interval(finite[lo], finite[hi]);
  }
}
