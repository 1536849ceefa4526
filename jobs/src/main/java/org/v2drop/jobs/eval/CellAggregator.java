package org.v2drop.jobs.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.bench.Scored;
import org.v2drop.core.drop.SeededKeys;
import org.v2drop.core.stats.Bootstrap;
import org.v2drop.core.stats.Interval;
import org.v2drop.udf.PredictionsTable;

/**
 * Aggregates one cell's prediction rows with its benchmark's own aggregation (pure; no Spark job).
 */
public final class CellAggregator {
  private CellAggregator() {}

  public static CellResult aggregate(
      String model, String method, String benchmarkName, List<Row> rows) {
    Benchmark benchmark = Benchmarks.byName(benchmarkName);
    List<Scored> scored = new ArrayList<>();
    List<Double> latencies = new ArrayList<>();
    double sumTime = 0;
    double sumVision = 0;
    double sumFlops = 0;
    long errors = 0;
    String schedule = null;
    for (Row r : rows) {
      if (!PredictionsTable.OK.equals(r.getAs(PredictionsTable.STATUS))) {
        errors++;
        continue;
      }
      schedule = r.getAs(PredictionsTable.SCHEDULE);
      String id = r.getAs(PredictionsTable.SAMPLE_ID);
      Sample s =
          Sample.textOnly(
              id, Sample.columnsFromJson(id, r.getAs(PredictionsTable.SAMPLE_JSON)), benchmarkName);
      scored.add(
          new Scored(
              s,
              r.getAs(PredictionsTable.RESPONSE),
              new SampleScore(
                  r.<Double>getAs(PredictionsTable.SCORE), r.getAs(PredictionsTable.PARSED))));
      double total = r.<Double>getAs(PredictionsTable.TOTAL_MS);
      latencies.add(total);
      sumTime += total + r.<Double>getAs(PredictionsTable.VISION_MS);
      sumVision += r.<Double>getAs(PredictionsTable.MEAN_VISION_TOKENS);
      sumFlops += r.<Double>getAs(PredictionsTable.FLOPS);
    }
    int ok = scored.size();
    Map<String, Double> metrics = ok == 0 ? Map.of() : benchmark.aggregate(scored);
    Map<String, Interval> intervals =
        ok == 0 ? Map.of() : Bootstrap.metrics(benchmark, scored, seed(model, benchmarkName));
    return new CellResult(
        model,
        method,
        schedule,
        benchmarkName,
        benchmark.mainMetric(),
        metrics,
        rows.size(),
        errors,
        sumTime == 0 ? 0 : ok / (sumTime / 1000),
        percentile(latencies, 50),
        percentile(latencies, 95),
        ok == 0 ? 0 : sumVision / ok,
        ok == 0 ? 0 : sumFlops / ok,
        ok == 0 ? 0 : latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0),
        intervals,
        scored,
        latencies.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The bootstrap seed of a model × benchmark: every method of it resamples the same units, and a
   * rerun gives the same intervals.
   */
  static long seed(String model, String benchmark) {
    return SeededKeys.fnv1a64(model + "\u0000" + benchmark);
  }

  /** Nearest-rank percentile; NaN for no values. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }
}
