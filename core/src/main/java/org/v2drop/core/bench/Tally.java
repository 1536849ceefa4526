package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named running sums over scored rows, from which a benchmark's metrics are computed ({@link
 * Benchmark#tally}, {@link Benchmark#metrics}): each name holds a sum and a count. Tallies add: a
 * cell's tally is the sum of its units' tallies, and a bootstrap resample's is the sum of the units
 * it drew (a unit drawn twice counts twice), so a resample costs a few additions per unit instead
 * of aggregating rows again. Names keep the order they were first added in (metrics listed in
 * first-seen order, as lmms-eval's dictionaries are).
 */
public final class Tally {
  private final Map<String, Integer> index;
  private final List<String> names;
  private double[] sums;
  private double[] counts;
  private final boolean frozen; // shares its names with other tallies (a bootstrap draw)

  public Tally() {
    this(new LinkedHashMap<>(), new ArrayList<>(), new double[8], new double[8], false);
  }

  private Tally(
      Map<String, Integer> index,
      List<String> names,
      double[] sums,
      double[] counts,
      boolean frozen) {
    this.index = index;
    this.names = names;
    this.sums = sums;
    this.counts = counts;
    this.frozen = frozen;
  }

  /** Adds {@code value} to {@code name}'s sum and one to its count. */
  public Tally add(String name, double value) {
    int i = slot(name);
    sums[i] += value;
    counts[i]++;
    return this;
  }

  /** Adds every name of {@code other} (sums and counts). */
  public Tally addAll(Tally other) {
    for (int j = 0; j < other.names.size(); j++) {
      int i = slot(other.names.get(j));
      sums[i] += other.sums[j];
      counts[i] += other.counts[j];
    }
    return this;
  }

  public double sum(String name) {
    Integer i = index.get(name);
    return i == null ? 0 : sums[i];
  }

  public double count(String name) {
    Integer i = index.get(name);
    return i == null ? 0 : counts[i];
  }

  /** {@code sum / count}; 0 when nothing was added. */
  public double mean(String name) {
    double n = count(name);
    return n == 0 ? 0 : sum(name) / n;
  }

  /**
   * The names under {@code prefix} that something was added to (count above 0), prefix removed, in
   * first-added order.
   */
  public List<String> keys(String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (counts[i] > 0 && names.get(i).startsWith(prefix)) {
        out.add(names.get(i).substring(prefix.length()));
      }
    }
    return out;
  }

  /** {@code prefix/<key>} → mean of every name under {@code prefix + "/"}, in first-added order. */
  public Map<String, Double> means(String prefix) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : keys(prefix + "/")) {
      out.put(prefix + "/" + k, mean(prefix + "/" + k));
    }
    return out;
  }

  /** The names in first-added order. */
  public List<String> names() {
    return List.copyOf(names);
  }

  /**
   * The tallies of many units over one list of names, for summing draws of them quickly (the
   * bootstrap: thousands of resamples of thousands of units).
   */
  public static final class Units {
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final int[][] at;
    private final double[][] sums;
    private final double[][] counts;

    public Units(List<Tally> units) {
      at = new int[units.size()][];
      sums = new double[units.size()][];
      counts = new double[units.size()][];
      for (int u = 0; u < units.size(); u++) {
        Tally t = units.get(u);
        int n = t.names.size();
        at[u] = new int[n];
        for (int j = 0; j < n; j++) {
          at[u][j] =
              index.computeIfAbsent(
                  t.names.get(j),
                  name -> {
                    names.add(name);
                    return names.size() - 1;
                  });
        }
        sums[u] = java.util.Arrays.copyOf(t.sums, n);
        counts[u] = java.util.Arrays.copyOf(t.counts, n);
      }
    }

    public int size() {
      return at.length;
    }

    /** The tally of the units at {@code drawn} (a unit drawn k times counts k times). */
    public Tally draw(int[] drawn) {
      double[] s = new double[names.size()];
      double[] c = new double[names.size()];
      for (int u : drawn) {
        int[] where = at[u];
        double[] us = sums[u];
        double[] uc = counts[u];
        for (int j = 0; j < where.length; j++) {
          s[where[j]] += us[j];
          c[where[j]] += uc[j];
        }
      }
      return new Tally(index, names, s, c, true);
    }
  }

  private int slot(String name) {
    Integer i = index.get(name);
    if (i != null) {
      return i;
    }
    if (frozen) {
      throw new IllegalStateException("a drawn tally is read-only; cannot add '" + name + "'");
    }
    int n = names.size();
    if (n == sums.length) {
      sums = java.util.Arrays.copyOf(sums, 2 * n);
      counts = java.util.Arrays.copyOf(counts, 2 * n);
    }
    names.add(name);
    index.put(name, n);
    return n;
  }
}
