package org.v2drop.core.bench;

/**
 * A sample with its response and score: the input of aggregation.
 *
 * @param unit the sample's resampling unit when it differs from its benchmark's {@link
 *     Benchmark#unit} (a bootstrap's second draw of a unit is a unit of its own), else null
 */
public record Scored(Sample sample, String response, SampleScore score, String unit) {
  public Scored(Sample sample, String response, SampleScore score) {
    this(sample, response, score, null);
  }

  /** This row as part of the {@code copy}-th draw of its unit in a resample. */
  public Scored copy(Benchmark benchmark, int copy) {
    return new Scored(sample, response, score, benchmark.unitOf(this) + "#" + copy);
  }
}
