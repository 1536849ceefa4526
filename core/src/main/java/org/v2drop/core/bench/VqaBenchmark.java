package org.v2drop.core.bench;

import java.util.List;
import java.util.Locale;

/**
 * TextVQA and VizWiz-VQA (docs/benchmarks.md "TextVQA"): capitalised question, VQA accuracy over 10
 * answers.
 */
public final class VqaBenchmark extends NamedBenchmark implements MeanScore {
  private final String postPrompt;

  public VqaBenchmark(String name, DatasetLayout layout, String postPrompt) {
    super(name, layout);
    this.postPrompt = postPrompt;
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("question_id", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("answers", Column.Kind.STRING_LIST),
        Column.of("image", Column.Kind.IMAGE));
  }

  /** Python's {@code str.capitalize()}: first character upper, the rest lower. */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    int n = Character.charCount(first);
    return new String(Character.toChars(Character.toTitleCase(first)))
        + s.substring(n).toLowerCase(Locale.ROOT);
  }

  @Override
  public String question(Sample s) {
    return capitalize(s.string("question")) + postPrompt;
  }

  @Override
  public int maxNewTokens() {
    return 1024;
  }

  @Override
  public SampleScore score(Sample s, String response) {
    return new SampleScore(
        VqaAccuracy.score(response, s.strings("answers")), EvalAiNormalizer.normalize(response));
  }

  @Override
  public String mainMetric() {
    return "vqa_accuracy";
  }
}
