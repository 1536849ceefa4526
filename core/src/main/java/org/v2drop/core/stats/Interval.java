package org.v2drop.core.stats;

/** A two-sided interval, e.g. a 95% confidence interval: {@code low <= high}. */
public record Interval(double low, double high) {
  public Interval {
    if (!(low <= high)) {
      throw new IllegalArgumentException("interval [" + low + ", " + high + "] is not ordered");
    }
  }

  /** Half the width: the "±" of a value printed with this interval. */
  public double halfWidth() {
    return (high - low) / 2;
  }
}
