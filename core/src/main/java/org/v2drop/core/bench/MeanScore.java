package org.v2drop.core.bench;

import java.util.List;
import java.util.Map;

/**
 * A task whose one metric, {@link #mainMetric()}, is the mean of the samples' scores (GQA's and
 * ScienceQA's exact match, VQA accuracy).
 */
interface MeanScore extends Benchmark {
  @Override
  default void tally(List<Scored> unit, Tally into) {
    for (Scored r : unit) {
      into.add(mainMetric(), r.score().score());
    }
  }

  @Override
  default Map<String, Double> metrics(Tally t) {
    return Map.of(mainMetric(), t.mean(mainMetric()));
  }
}
