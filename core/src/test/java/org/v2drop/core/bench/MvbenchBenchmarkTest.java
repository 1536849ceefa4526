package org.v2drop.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MVBench's prompt, lmms-eval's {@code mcq_acc} normalisation (each expectation worked out from its
 * code, docs/benchmarks.md "MVBench") and the aggregation: per subtask over non-empty answers, and
 * their mean.
 */
class MvbenchBenchmarkTest {
  static final Benchmark MVBENCH = Benchmarks.byName("mvbench");

  static Sample q(String subtask, String answer, String... candidates) {
    return Sample.textOnly(
        subtask + "#0",
        Map.of(
            "subtask",
            subtask,
            "video",
            "v.mp4",
            "question",
            "What is it?",
            "candidates",
            List.of(candidates),
            "answer",
            answer),
        "mvbench");
  }

  @Test
  void promptIsLmmsEvals() {
    assertEquals(
        "Question:What is it?\nOption:\n(A) a cat\n(B) a dog\nOnly give the best option.\n",
        MVBENCH.question(q("action_count", "a dog", "a cat", "a dog")));
  }

  @Test
  void mcqAccNormalisation() {
    assertEquals("A", MvbenchBenchmark.process("A"));
    assertEquals("B", MvbenchBenchmark.process("b. a dog"), "option regex, any case");
    assertEquals("B", MvbenchBenchmark.process("(B) a dog"), "parentheses removed, letter found");
    assertEquals("C", MvbenchBenchmark.process("The answer is C."));
    assertEquals("A", MvbenchBenchmark.process("a man walks"), "the article 'a' reads as option A");
    assertEquals("dog", MvbenchBenchmark.process("Dog!"));
    assertEquals("", MvbenchBenchmark.process(""));
    assertEquals("B", MvbenchBenchmark.process("B.\nbecause"), "\\s* takes the newline");
    assertEquals("3.5", MvbenchBenchmark.process("3.5"), "a period before a digit stays");
    assertEquals("12", MvbenchBenchmark.process("12."), "no letter: the processed text");
  }

  @Test
  void scoringAndAggregation() {
    Sample s = q("action_count", "3", "2", "3", "4");
    assertEquals(1, MVBENCH.score(s, "(B) 3").score());
    assertEquals(0, MVBENCH.score(s, "C").score());
    assertThrows(
        BenchmarkDataException.class,
        () -> MVBENCH.score(q("action_count", "5", "2", "3"), "A"),
        "an answer that is no candidate is a data error");
    List<Scored> rows = new ArrayList<>();
    rows.add(new Scored(s, "(B) 3", MVBENCH.score(s, "(B) 3")));
    rows.add(new Scored(s, "C", MVBENCH.score(s, "C")));
    rows.add(new Scored(s, "", MVBENCH.score(s, ""))); // empty: not in the denominator
    Sample t = q("state_change", "yes", "yes", "no");
    rows.add(new Scored(t, "A", MVBENCH.score(t, "A")));
    Sample u = q("moving_count", "1", "0", "1");
    rows.add(new Scored(u, "", MVBENCH.score(u, "")));
    Map<String, Double> m = MVBENCH.aggregate(rows);
    assertEquals(0.5, m.get("subtask/action_count"));
    assertEquals(1.0, m.get("subtask/state_change"));
    assertEquals(0.0, m.get("subtask/moving_count"), "no answer at all: 0, as lmms-eval");
    assertEquals(0.5, m.get("accuracy"), 1e-12, "the mean of the subtasks");
    assertTrue(MvbenchBenchmark.FOLDERS.size() == 20);
  }
}
