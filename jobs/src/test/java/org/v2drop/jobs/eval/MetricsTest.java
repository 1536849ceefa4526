package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.eval.SampleResult;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.TopLogits;
import org.v2drop.core.stats.Interval;
import org.v2drop.udf.PredictionsTable;
import org.v2drop.udf.SampleTable;

/**
 * The aggregation maths without Spark: a cell's costs and metrics, the comparisons with vanilla,
 * the report row.
 */
class MetricsTest {
  private static final PredictionsTable.Provenance WHERE =
      new PredictionsTable.Provenance("r", "m", "e", "cpu", "float32", 1, null);
  private static final org.apache.spark.sql.types.StructType INPUT =
      SampleTable.SCHEMA.add(
          SampleTable.METHOD, org.apache.spark.sql.types.DataTypes.StringType, false);

  /**
   * A prediction row of a POPE sample with the given answer, LLM time, vision time, mean tokens and
   * FLOPs.
   */
  static Row prediction(
      String id,
      String answer,
      String response,
      double totalMs,
      double visionMs,
      int tokens,
      double flops) {
    Sample s = new Sample(id, Map.of("question_id", id, "answer", answer), List.of(), "t");
    Generation g =
        new Generation(
            new long[] {1},
            "x",
            List.of(),
            new int[] {tokens, tokens},
            new int[] {9, 9},
            new TopLogits(new int[] {1}, new float[] {0}),
            9,
            tokens,
            visionMs,
            totalMs / 4,
            totalMs * 3 / 4,
            new double[2],
            flops,
            0,
            0,
            -1,
            -1,
            -1);
    double score = response.equals(answer) ? 1 : 0;
    Row in =
        new GenericRowWithSchema(
            new Object[] {
              "pope",
              id,
              "{\"question_id\":\"" + id + "\",\"answer\":\"" + answer + "\"}",
              null,
              "x"
            },
            INPUT);
    Row row =
        PredictionsTable.ok(
            WHERE,
            in,
            new SampleResult(
                s, "p", g, response, new SampleScore(score, response), new long[0], 1, null));
    return withSchema(row);
  }

  static Row error(String id) {
    Row in = new GenericRowWithSchema(new Object[] {"pope", id, "{}", null, "x"}, INPUT);
    return withSchema(PredictionsTable.error(WHERE, in, null, "boom"));
  }

  private static Row withSchema(Row row) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return new GenericRowWithSchema(values, PredictionsTable.SCHEMA);
  }

  @Test
  void aCellAggregatesItsOkRowsAndCountsItsErrors() {
    List<Row> rows = new ArrayList<>();
    rows.add(prediction("a", "yes", "yes", 40, 10, 8, 100));
    rows.add(prediction("b", "no", "yes", 10, 10, 4, 300));
    rows.add(prediction("c", "yes", "yes", 30, 10, 6, 200));
    rows.add(prediction("d", "no", "no", 20, 10, 2, 400));
    rows.add(error("e"));
    CellResult c = CellAggregator.aggregate("m", "v2drop@2:0.5", "pope", rows);
    assertEquals(5, c.samples());
    assertEquals(1, c.errors());
    assertEquals(0.2, c.errorRate(), 1e-12);
    assertEquals("f1", c.mainMetric());
    assertEquals(0.75, c.metrics().get("accuracy"), 1e-12);
    assertEquals(0.8, c.metrics().get("f1"), 1e-12, "tp 2, fp 1, fn 0");
    assertEquals(20, c.latencyP50(), 1e-12, "nearest rank: ceil(0.5 * 4) = 2nd of 10, 20, 30, 40");
    assertEquals(40, c.latencyP95(), 1e-12);
    assertEquals(25, c.meanTotalMs(), 1e-12);
    assertEquals(
        4 / ((100.0 + 40) / 1000), c.samplesPerS(), 1e-9, "samples / (LLM + vision seconds)");
    assertEquals(5, c.meanVisionTokens(), 1e-12);
    assertEquals(250, c.meanFlops(), 1e-12);
  }

  @Test
  void cellsCarryBootstrapIntervalsAndPairedComparisonsWithVanilla() {
    List<Row> vanilla = new ArrayList<>();
    List<Row> method = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String gt = i % 2 == 0 ? "yes" : "no";
      vanilla.add(prediction("q" + i, gt, i < 30 ? gt : "maybe", 20 + i % 3, 5, 8, 100));
      method.add(prediction("q" + i, gt, i < 30 ? gt : "maybe", 10 + i % 3 * 0.5, 5, 4, 50));
    }
    CellResult v = CellAggregator.aggregate("m", "vanilla", "pope", vanilla);
    CellResult d = CellAggregator.aggregate("m", "v2drop@x", "pope", method);
    Interval acc = v.intervals().get("accuracy");
    assertTrue(acc.low() < 0.75 && 0.75 < acc.high(), acc.toString());
    List<MetricRow> rows = MetricsBuilder.rows("r", List.of(v, d));
    MetricRow dAcc =
        rows.stream()
            .filter(r -> r.method().equals("v2drop@x") && r.metric().equals("accuracy"))
            .findFirst()
            .orElseThrow();
    assertEquals(acc, dAcc.valueCi(), "same answers, same units, same draws");
    assertEquals(new Interval(100, 100), dAcc.retainedCi(), "paired: identical on every sample");
    assertEquals(0.5, dAcc.latencyRatio(), 1e-12);
    assertEquals(new Interval(0.5, 0.5), dAcc.latencyRatioCi(), "half the time on every sample");
  }

  @Test
  void percentilesAreNearestRank() {
    assertEquals(Double.NaN, CellAggregator.percentile(List.of(), 50));
    assertEquals(7, CellAggregator.percentile(List.of(7.0), 95));
    List<Double> hundred = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      hundred.add((double) i);
    }
    assertEquals(50, CellAggregator.percentile(hundred, 50));
    assertEquals(95, CellAggregator.percentile(hundred, 95));
    assertEquals(100, CellAggregator.percentile(hundred, 100));
  }

  static CellResult cell(String method, double value, double flops, double totalMs) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("f1", value);
    m.put("accuracy", value / 2);
    return new CellResult(
        "m",
        method,
        method,
        "pope",
        "f1",
        m,
        10,
        0,
        1,
        2,
        3,
        4,
        flops,
        totalMs,
        Map.of(),
        List.of(),
        new double[0]);
  }

  @Test
  void retainedPercentAndRatiosAreAgainstTheVanillaCellOfTheSameModelAndBenchmark() {
    List<CellResult> cells =
        List.of(
            cell("vanilla", 0.8, 200, 50),
            cell("v2drop@x", 0.6, 50, 20),
            new CellResult(
                "other-model",
                "v2drop@x",
                "s",
                "pope",
                "f1",
                Map.of("f1", 0.5),
                1,
                0,
                1,
                1,
                1,
                1,
                1,
                1,
                Map.of(),
                List.of(),
                new double[0]));
    List<MetricRow> rows = MetricsBuilder.rows("run", cells);
    MetricRow v2 =
        rows.stream()
            .filter(
                r ->
                    r.method().equals("v2drop@x")
                        && r.model().equals("m")
                        && r.metric().equals("f1"))
            .findFirst()
            .orElseThrow();
    assertEquals(75.0, v2.retainedPct(), 1e-9);
    assertEquals(0.25, v2.flopsRatio(), 1e-12);
    assertEquals(0.4, v2.latencyRatio(), 1e-12);
    assertTrue(v2.main());
    MetricRow acc =
        rows.stream()
            .filter(
                r ->
                    r.method().equals("v2drop@x")
                        && r.model().equals("m")
                        && r.metric().equals("accuracy"))
            .findFirst()
            .orElseThrow();
    assertEquals(75.0, acc.retainedPct(), 1e-9, "each metric against vanilla's same metric");
    assertFalse(acc.main());
    MetricRow lone =
        rows.stream().filter(r -> r.model().equals("other-model")).findFirst().orElseThrow();
    assertNull(lone.retainedPct(), "no vanilla cell for that model");
    assertNull(lone.flopsRatio());
    assertNull(lone.latencyRatio());
  }

  @Test
  void aZeroVanillaValueGivesNoRetainedPercentAndAnEmptyCellOneNullRow() {
    CellResult empty =
        new CellResult(
            "m",
            "fastv@2:0.5",
            "s",
            "pope",
            "f1",
            Map.of(),
            3,
            3,
            0,
            Double.NaN,
            Double.NaN,
            0,
            0,
            0,
            Map.of(),
            List.of(),
            new double[0]);
    List<MetricRow> rows = MetricsBuilder.rows("run", List.of(cell("vanilla", 0, 200, 50), empty));
    MetricRow e =
        rows.stream().filter(r -> r.method().equals("fastv@2:0.5")).findFirst().orElseThrow();
    assertNull(e.value());
    assertTrue(e.main());
    assertEquals(3, e.errors());
    assertNull(
        rows.stream()
            .filter(r -> r.method().equals("vanilla") && r.metric().equals("f1"))
            .findFirst()
            .orElseThrow()
            .retainedPct(),
        "0 / 0");
    Row row = MetricsTable.toRow(e);
    assertNull(
        row.get(MetricsTable.SCHEMA.fieldIndex(MetricsTable.LATENCY_P50_MS)),
        "NaN costs become nulls");
  }

  @Test
  void everyValueOfAMetricRowLandsInItsOwnColumn() {
    MetricRow m =
        new MetricRow(
            "run",
            "model",
            "method",
            "sched",
            "bench",
            "metric",
            0.5,
            new Interval(0.375, 0.625),
            11,
            2,
            3.5,
            4.5,
            5.5,
            6.5,
            0.25,
            0.75,
            new Interval(0.625, 0.875),
            87.5,
            new Interval(81.25, 93.75),
            true);
    Row row = MetricsTable.toRow(m);
    Map<String, Object> v = new LinkedHashMap<>();
    for (int i = 0; i < MetricsTable.SCHEMA.size(); i++) {
      v.put(MetricsTable.SCHEMA.fieldNames()[i], row.get(i));
    }
    assertEquals(
        Map.ofEntries(
            Map.entry("run_id", "run"),
            Map.entry("model", "model"),
            Map.entry("method", "method"),
            Map.entry("schedule", "sched"),
            Map.entry("benchmark", "bench"),
            Map.entry("metric", "metric"),
            Map.entry("value", 0.5),
            Map.entry("value_ci_low", 0.375),
            Map.entry("value_ci_high", 0.625),
            Map.entry("samples", 11L),
            Map.entry("errors", 2L),
            Map.entry("samples_per_s", 3.5),
            Map.entry("latency_p50_ms", 4.5),
            Map.entry("latency_p95_ms", 5.5),
            Map.entry("mean_vision_tokens", 6.5),
            Map.entry("flops_ratio_vs_vanilla", 0.25),
            Map.entry("latency_ratio_vs_vanilla", 0.75),
            Map.entry("latency_ratio_ci_low", 0.625),
            Map.entry("latency_ratio_ci_high", 0.875),
            Map.entry("retained_pct", 87.5),
            Map.entry("retained_pct_ci_low", 81.25),
            Map.entry("retained_pct_ci_high", 93.75),
            Map.entry("is_main_metric", true)),
        v);
  }
}
