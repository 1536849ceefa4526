package org.v2drop.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A bootstrap resample's metrics come from the summed tallies of the drawn units ({@link
 * Tally.Units#draw}); they must equal the benchmark's aggregation of the drawn rows themselves,
 * each second draw of a unit relabelled as a unit of its own — for every kind of aggregation. This
 * checks that what each benchmark tallies is additive over units; that its aggregation is
 * lmms-eval's is checked by BenchmarkPromptsTest and the scoring vectors.
 */
class TallyTest {
  private static final SplittableRandom RNG = new SplittableRandom(42);

  @Test
  void summedTalliesEqualAggregatingTheDrawnRows() {
    check(
        Benchmarks.byName("pope"),
        i -> {
          String answer = RNG.nextBoolean() ? "yes" : "no";
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("question_id", "q" + i);
          c.put("answer", answer);
          c.put("category", List.of("adversarial", "popular", "random").get(i % 3));
          return List.of(c);
        },
        List.of("Yes", "No", "yes", "maybe"),
        (c, copy) -> relabel(c, "question_id", copy));
    check(
        Benchmarks.byName("mme"),
        i -> {
          String category = List.of("color", "count", "OCR", "code_reasoning").get(i % 4);
          List<Map<String, Object>> pair = new ArrayList<>();
          for (String answer : List.of("Yes", "No")) {
            pair.add(Map.of("question_id", i + ".png", "answer", answer, "category", category));
          }
          return pair;
        },
        List.of("Yes", "No"),
        (c, copy) -> relabel(c, "question_id", copy));
    check(
        Benchmarks.byName("mmbench_en_dev"),
        i -> {
          List<Map<String, Object>> group = new ArrayList<>();
          for (int rot = 0; rot < 1 + i % 4; rot++) {
            group.add(
                Map.of(
                    "index",
                    i + rot * MmbenchBenchmark.CIRCULAR_BASE,
                    "answer",
                    "A",
                    "A",
                    "x",
                    "B",
                    "y",
                    "category",
                    "cat" + i % 5,
                    "L2-category",
                    "l2-" + i % 2));
          }
          return group;
        },
        List.of("A", "B"),
        (c, copy) -> {
          Map<String, Object> out = new LinkedHashMap<>(c);
          long index = (Long) c.get("index");
          out.put( // a group of its own: another index below the circular base, same rotation
              "index",
              index % MmbenchBenchmark.CIRCULAR_BASE
                  + 100_000L * copy
                  + index / MmbenchBenchmark.CIRCULAR_BASE * MmbenchBenchmark.CIRCULAR_BASE);
          return out;
        });
    check(
        Benchmarks.byName("videomme"),
        i ->
            List.of(
                Map.of(
                    "question_id", "v" + i,
                    "answer", "B",
                    "duration", List.of("short", "medium", "long").get(i % 3),
                    "domain", "d" + i % 4,
                    "task_type", "t" + i % 7)),
        List.of("A", "B", "The answer is B"),
        (c, copy) -> relabel(c, "question_id", copy));
    check(
        Benchmarks.byName("gqa"),
        i -> List.of(Map.of("id", "g" + i, "answer", "red")),
        List.of("red", "blue"),
        (c, copy) -> relabel(c, "id", copy));
  }

  @Test
  void aDrawnTallyIsReadOnly() {
    Tally t = new Tally().add("a", 1);
    Tally drawn = new Tally.Units(List.of(t)).draw(new int[] {0, 0});
    assertEquals(2, drawn.sum("a"));
    assertEquals(2, drawn.count("a"));
    assertThrows(IllegalStateException.class, () -> drawn.add("b", 1));
  }

  private static Map<String, Object> relabel(Map<String, Object> c, String column, int copy) {
    Map<String, Object> out = new LinkedHashMap<>(c);
    out.put(column, c.get(column) + "#" + copy);
    return out;
  }

  /**
   * 40 units of rows made by {@code unit}, each answered at random from {@code responses}; 30 draws
   * with replacement compared both ways.
   */
  private static void check(
      Benchmark b,
      java.util.function.IntFunction<List<Map<String, Object>>> unit,
      List<String> responses,
      BiFunction<Map<String, Object>, Integer, Map<String, Object>> relabel) {
    List<List<Map<String, Object>>> units = new ArrayList<>();
    List<List<String>> answers = new ArrayList<>();
    List<Tally> tallies = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<Map<String, Object>> rows = unit.apply(i);
      List<String> said = new ArrayList<>();
      for (int k = 0; k < rows.size(); k++) {
        said.add(responses.get(RNG.nextInt(responses.size())));
      }
      units.add(rows);
      answers.add(said);
      Tally t = new Tally();
      b.tally(scored(b, rows, said), t);
      tallies.add(t);
    }
    Tally.Units all = new Tally.Units(tallies);
    for (int d = 0; d < 30; d++) {
      int[] idx = new int[units.size()];
      int[] seen = new int[units.size()];
      List<Map<String, Object>> rows = new ArrayList<>();
      List<String> said = new ArrayList<>();
      for (int k = 0; k < idx.length; k++) {
        idx[k] = RNG.nextInt(units.size());
        int copy = seen[idx[k]]++;
        for (Map<String, Object> c : units.get(idx[k])) {
          rows.add(copy == 0 ? c : relabel.apply(c, copy));
        }
        said.addAll(answers.get(idx[k]));
      }
      Map<String, Double> direct = b.aggregate(scored(b, rows, said));
      Map<String, Double> summed = b.metrics(all.draw(idx));
      assertEquals(direct.keySet(), summed.keySet(), b.name());
      for (String metric : direct.keySet()) {
        assertEquals(direct.get(metric), summed.get(metric), 1e-9, b.name() + " " + metric);
      }
    }
  }

  private static List<Scored> scored(
      Benchmark b, List<Map<String, Object>> rows, List<String> responses) {
    List<Scored> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> c = rows.get(i);
      Object id = c.getOrDefault("question_id", c.getOrDefault("index", c.get("id")));
      Sample s = Sample.textOnly(String.valueOf(id), c, b.name());
      out.add(new Scored(s, responses.get(i), b.score(s, responses.get(i))));
    }
    return out;
  }
}
