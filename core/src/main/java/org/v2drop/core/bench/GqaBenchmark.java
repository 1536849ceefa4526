package org.v2drop.core.bench;

import java.util.List;
import java.util.Locale;

/**
 * GQA (docs/benchmarks.md "GQA"): the stripped response and the answer lowercased, ASCII
 * punctuation deleted, exact match (lmms-eval's generic exact_match with the task's settings).
 */
public final class GqaBenchmark extends NamedBenchmark implements MeanScore {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  public GqaBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("id", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("answer", Column.Kind.STRING),
        Column.of("image", Column.Kind.IMAGE));
  }

  @Override
  public String question(Sample s) {
    return s.string("question") + PromptFragments.SHORT_ANSWER;
  }

  @Override
  public int maxNewTokens() {
    return 16;
  }

  /**
   * lmms-eval's exact_match with ignore_case and ignore_punctuation: lowercase, drop ASCII
   * punctuation.
   */
  static String normalize(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
      if (PUNCTUATION.indexOf(c) < 0) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public SampleScore score(Sample s, String response) {
    String pred = normalize(response.strip()); // the response is stripped, the answer is not
    return new SampleScore(pred.equals(normalize(s.string("answer"))) ? 1 : 0, pred);
  }

  @Override
  public String mainMetric() {
    return "exact_match";
  }
}
