package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MMBench-EN dev (docs/benchmarks.md "MMBench"): options prompt; lmms-eval's static letter choice;
 * circular groups (rows whose index % 1,000,000 equals a main row's index) score 1 only if every
 * row is right.
 */
public final class MmbenchBenchmark extends NamedBenchmark {
  static final long CIRCULAR_BASE = 1_000_000L;
  private static final List<String> LETTERS = List.of("A", "B", "C", "D");

  public MmbenchBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("index", Column.Kind.INTEGER),
        Column.of("question", Column.Kind.STRING),
        Column.of("answer", Column.Kind.STRING),
        Column.optional("hint", Column.Kind.STRING),
        Column.optional("A", Column.Kind.STRING),
        Column.optional("B", Column.Kind.STRING),
        Column.optional("C", Column.Kind.STRING),
        Column.optional("D", Column.Kind.STRING),
        Column.optional("category", Column.Kind.STRING),
        Column.optional("L2-category", Column.Kind.STRING),
        Column.of("image", Column.Kind.IMAGE));
  }

  /** A value that lmms-eval treats as absent: null, or the string "nan" (pandas' missing value). */
  static boolean absent(String v) {
    return v == null || v.equals("nan") || v.equals("NaN");
  }

  /** Present options in letter order. */
  static Map<String, String> options(Sample s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String l : LETTERS) {
      String v = s.optString(l);
      if (!absent(v)) {
        out.put(l, v);
      }
    }
    return out;
  }

  @Override
  public String question(Sample s) {
    StringBuilder opts = new StringBuilder("There are several options:\n");
    options(s).forEach((l, v) -> opts.append(l).append(". ").append(v).append('\n'));
    String optionsText = opts.toString().replaceAll("\\n+$", "");
    String hint = s.optString("hint");
    String q =
        absent(hint)
            ? s.string("question") + " " + optionsText
            : hint + " " + s.string("question") + " " + optionsText;
    return q + "\n" + PromptFragments.OPTION_LETTER;
  }

  @Override
  public int maxNewTokens() {
    return 1024;
  }

  /**
   * lmms-eval's static MMBench evaluation of one row: the letter {@code can_infer} finds (the
   * option named, else the one option whose text appears), else the deterministic extraction; right
   * when it is the row's answer.
   */
  @Override
  public SampleScore score(Sample s, String response) {
    Map<String, String> choices = scoringChoices(s);
    String letter = McqExtraction.canInfer(response, choices);
    if (letter == null) {
      letter = McqExtraction.extract(response, new ArrayList<>(choices.keySet()));
    }
    return new SampleScore(letter.equals(s.string("answer").strip()) ? 1 : 0, letter);
  }

  /**
   * The options lmms-eval scores against ({@code build_choices}): every letter whose value is not
   * null — unlike the prompt, a "nan" string counts as an option here.
   */
  static Map<String, String> scoringChoices(Sample s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String l : LETTERS) {
      String v = s.optString(l);
      if (v != null) {
        out.put(l, v);
      }
    }
    return out;
  }

  /** The circular group: a question and its rotated copies (index modulo 1,000,000). */
  @Override
  public String unit(Sample s) {
    return Long.toString(s.integer("index") % CIRCULAR_BASE);
  }

  @Override
  public void tally(List<Scored> group, Tally into) {
    boolean all = group.stream().allMatch(r -> r.score().score() == 1);
    Scored main =
        group.stream()
            .filter(r -> r.sample().integer("index") < CIRCULAR_BASE)
            .findFirst()
            .orElse(group.get(0));
    into.add("circular_accuracy", all ? 1 : 0);
    for (Scored r : group) {
      into.add("single_accuracy", r.score().score());
    }
    String category = main.sample().optString("category");
    if (category != null) {
      into.add("category/" + category, all ? 1 : 0);
    }
    String l2 = main.sample().optString("L2-category");
    if (l2 != null) {
      into.add("l2/" + l2, all ? 1 : 0);
    }
  }

  @Override
  public Map<String, Double> metrics(Tally t) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("circular_accuracy", t.mean("circular_accuracy"));
    out.put("single_accuracy", t.mean("single_accuracy"));
    out.putAll(t.means("category"));
    out.putAll(t.means("l2"));
    return out;
  }

  @Override
  public String mainMetric() {
    return "circular_accuracy";
  }
}
