package org.v2drop.core.bench;

import java.util.List;
import java.util.Locale;

/**
 * ScienceQA-IMG (docs/benchmarks.md "ScienceQA-IMG"): lettered choices, letter or "L." prefix
 * match.
 */
public final class ScienceQaBenchmark extends NamedBenchmark implements MeanScore {
  public ScienceQaBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("question", Column.Kind.STRING),
        Column.of("choices", Column.Kind.STRING_LIST),
        Column.of("answer", Column.Kind.INTEGER),
        Column.optional("hint", Column.Kind.STRING),
        Column.of("image", Column.Kind.IMAGE));
  }

  static String letter(int i) {
    return String.valueOf((char) ('A' + i));
  }

  @Override
  public String question(Sample s) {
    String hint = s.optString("hint");
    List<String> choices = s.strings("choices");
    StringBuilder sb = new StringBuilder();
    if (hint != null && !hint.isEmpty()) {
      sb.append("Context: ").append(hint).append('\n');
    }
    sb.append(s.string("question")).append('\n');
    for (int i = 0; i < choices.size(); i++) {
      sb.append(i == 0 ? "" : "\n").append(letter(i)).append(". ").append(choices.get(i));
    }
    return sb.append(PromptFragments.OPTION_LETTER).toString();
  }

  @Override
  public int maxNewTokens() {
    return 16;
  }

  @Override
  public SampleScore score(Sample s, String response) {
    int answer = (int) s.integer("answer");
    int n = s.strings("choices").size();
    if (answer < 0 || answer >= n) {
      throw new BenchmarkDataException(
          s.source()
              + ": sample "
              + s.id()
              + ": answer index "
              + answer
              + " is outside the "
              + n
              + " choices");
    }
    return scoreLetter(response, letter(answer));
  }

  /**
   * Correct if the response is the letter (any case), or starts with the uppercase letter followed
   * by ".".
   */
  static SampleScore scoreLetter(String response, String target) {
    String pred = response.strip();
    if (pred.toLowerCase(Locale.ROOT).equals(target.toLowerCase(Locale.ROOT))) {
      return new SampleScore(1, pred);
    }
    if (pred.length() >= 2 && Character.isUpperCase(pred.charAt(0)) && pred.charAt(1) == '.') {
      String letter = pred.substring(0, 1);
      return new SampleScore(letter.equals(target) ? 1 : 0, letter);
    }
    return new SampleScore(0, pred);
  }

  @Override
  public String mainMetric() {
    return "exact_match";
  }
}
