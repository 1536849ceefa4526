package org.v2drop.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.bench.Scored;

/** Bootstrap intervals against direct computations and hand-made cases. */
class BootstrapTest {
  static final Benchmark GQA = Benchmarks.byName("gqa");

  /** {@code right} right and {@code n - right} wrong GQA answers. */
  static List<Scored> answers(int n, int right) {
    List<Scored> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Sample s = Sample.textOnly(String.format("s%04d", i), Map.of("answer", "a"), "t");
      double v = i < right ? 1 : 0;
      out.add(new Scored(s, v == 1 ? "a" : "b", new SampleScore(v, v == 1 ? "a" : "b")));
    }
    return out;
  }

  @Test
  void anAccuracyIntervalMatchesTheNormalApproximation() {
    Interval ci = Bootstrap.metrics(GQA, answers(400, 280), 7).get("exact_match");
    double half = 1.96 * Math.sqrt(0.7 * 0.3 / 400); // 0.0449
    assertEquals(0.7 - half, ci.low(), 0.012, ci.toString());
    assertEquals(0.7 + half, ci.high(), 0.012, ci.toString());
    assertEquals(ci, Bootstrap.metrics(GQA, answers(400, 280), 7).get("exact_match"), "seeded");
    assertNotEquals(ci, Bootstrap.metrics(GQA, answers(400, 280), 8).get("exact_match"));
  }

  @Test
  void identicalUnitsHaveNoSpread() {
    Interval ci = Bootstrap.metrics(GQA, answers(50, 50), 1).get("exact_match");
    assertEquals(new Interval(1, 1), ci);
  }

  @Test
  void pairedIntervalsFollowTheSameSamplesInBothCells() {
    List<Scored> vanilla = answers(200, 120);
    double[] ms = new double[200];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = 10 + i % 7; // latencies that vary from sample to sample
    }
    Bootstrap.Paired same = Bootstrap.paired(GQA, vanilla, ms, vanilla, ms, 3);
    assertEquals(new Interval(100, 100), same.retainedPct().get("exact_match"));
    assertEquals(new Interval(1, 1), same.latencyRatio());

    double[] twice = new double[200];
    for (int i = 0; i < twice.length; i++) {
      twice[i] = 2 * ms[i];
    }
    Bootstrap.Paired slower = Bootstrap.paired(GQA, vanilla, twice, vanilla, ms, 3);
    assertEquals(2, slower.latencyRatio().low(), 1e-12, "twice as slow on every sample");
    assertEquals(2, slower.latencyRatio().high(), 1e-12);

    // the method loses exactly the first 12 of vanilla's 120 right answers: 90% retained; paired,
    // the
    // interval is far narrower than the two cells' own intervals would suggest
    List<Scored> method = new ArrayList<>(answers(200, 120));
    for (int i = 0; i < 12; i++) {
      Scored r = method.get(i);
      method.set(i, new Scored(r.sample(), "b", new SampleScore(0, "b")));
    }
    Interval retained =
        Bootstrap.paired(GQA, method, ms, vanilla, ms, 3).retainedPct().get("exact_match");
    assertTrue(retained.low() <= 90 && 90 <= retained.high(), retained.toString());
    assertTrue(retained.high() < 100, "never above vanilla on the same samples: " + retained);
    Interval own = Bootstrap.metrics(GQA, vanilla, 3).get("exact_match");
    double unpairedHalfWidthPct = 100 * own.halfWidth() / 0.6;
    assertTrue(retained.halfWidth() < unpairedHalfWidthPct / 2, retained + " vs " + own);
  }

  @Test
  void pairsOnlyTheUnitsBothCellsAnswered() {
    List<Scored> vanilla = answers(10, 10);
    List<Scored> method = answers(12, 10).subList(2, 12); // s0002..s0011: 8 shared, 2 not
    double[] ms = new double[10];
    java.util.Arrays.fill(ms, 5);
    Bootstrap.Paired p = Bootstrap.paired(GQA, method, ms, vanilla, ms, 1);
    assertEquals(
        new Interval(100, 100),
        p.retainedPct().get("exact_match"),
        "on the 8 shared samples both are always right");
  }

  @Test
  void mmeResamplesWholeQuestionPairsAndKeepsRedrawnPairsApart() {
    Benchmark mme = Benchmarks.byName("mme");
    List<Scored> rows = new ArrayList<>();
    for (int img = 0; img < 6; img++) {
      for (String answer : List.of("Yes", "No")) {
        Sample s =
            Sample.textOnly(
                img + answer,
                Map.of("question_id", img + ".png", "answer", answer, "category", "color"),
                "t");
        boolean right = img < 4 || answer.equals("Yes");
        String response = right ? answer : "Yes";
        rows.add(new Scored(s, response, mme.score(s, response)));
      }
    }
    Map<String, Double> value = mme.aggregate(rows);
    Map<String, Interval> ci = Bootstrap.metrics(mme, rows, 11); // throws if a pair were split
    Interval color = ci.get("category/color");
    assertTrue(
        color.low() <= value.get("category/color") && value.get("category/color") <= color.high(),
        color + " around " + value);
    assertTrue(
        color.low() >= 75 && color.high() <= 200, color.toString()); // pair scores 200 or 50+0
  }

  @Test
  void mmbenchResamplesCircularGroups() {
    Benchmark b = Benchmarks.byName("mmbench_en_dev");
    List<Scored> rows = new ArrayList<>();
    for (int q = 0; q < 20; q++) {
      for (int rot = 0; rot < 4; rot++) {
        long index = q + rot * 1_000_000L;
        Sample s =
            Sample.textOnly(
                Long.toString(index),
                Map.of("index", index, "answer", "A", "A", "x", "B", "y"),
                "t");
        String response = q < 10 || rot == 0 ? "A" : "B"; // half the groups fail a rotation
        rows.add(new Scored(s, response, b.score(s, response)));
      }
    }
    assertEquals(0.5, b.aggregate(rows).get("circular_accuracy"), 1e-12);
    Interval ci = Bootstrap.metrics(b, rows, 5).get("circular_accuracy");
    // 20 groups: a binomial(20, 0.5) share; resampling rows instead of groups would be far narrower
    assertTrue(ci.low() <= 0.3 && ci.high() >= 0.7, ci.toString());
  }
}
