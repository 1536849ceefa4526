package org.v2drop.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MME (docs/benchmarks.md "MME"): yes/no parsing; per (category, image) pair acc + acc+; category
 * score = mean over its images (max 200); perception and cognition are sums over their categories.
 */
public final class MmeBenchmark extends NamedBenchmark {
  public static final Set<String> PERCEPTION =
      Set.of(
          "existence",
          "count",
          "position",
          "color",
          "posters",
          "celebrity",
          "scene",
          "landmark",
          "artwork",
          "OCR");
  private static final String YES_NO = " Please answer yes or no.";

  public MmeBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("question_id", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("answer", Column.Kind.STRING),
        Column.of("category", Column.Kind.STRING),
        Column.of("image", Column.Kind.IMAGE));
  }

  @Override
  public String question(Sample s) {
    return s.string("question").replace(YES_NO, "") + PromptFragments.SHORT_ANSWER;
  }

  @Override
  public int maxNewTokens() {
    return 16;
  }

  @Override
  public SampleScore score(Sample s, String response) {
    String pred = YesNo.parseMme(response);
    String gt = YesNo.parseMme(s.string("answer"));
    return new SampleScore(pred.equals(gt) ? 1 : 0, pred);
  }

  /** The question pair: the two questions MME asks about one image of a category. */
  @Override
  public String unit(Sample s) {
    return s.string("category") + "/" + s.string("question_id");
  }

  @Override
  public void tally(List<Scored> pair, Tally into) {
    Sample first = pair.get(0).sample();
    String category = first.string("category");
    if (pair.size() != 2) {
      throw new BenchmarkDataException(
          name()
              + ": category '"
              + category
              + "', question pair '"
              + unit(first)
              + "' has "
              + pair.size()
              + " rows; MME scores pairs of exactly 2");
    }
    double right = 0;
    for (Scored r : pair) {
      right += r.score().score();
      into.add("accuracy", r.score().score());
    }
    double acc = right / 2 * 100;
    double accPlus = right == 2 ? 100 : 0;
    into.add("category/" + category, acc + accPlus); // the category's score: mean over its pairs
  }

  @Override
  public Map<String, Double> metrics(Tally t) {
    Map<String, Double> out = new LinkedHashMap<>();
    double perception = 0;
    double cognition = 0;
    for (Map.Entry<String, Double> c : t.means("category").entrySet()) {
      out.put(c.getKey(), c.getValue());
      if (PERCEPTION.contains(c.getKey().substring("category/".length()))) {
        perception += c.getValue();
      } else {
        cognition += c.getValue();
      }
    }
    out.put("perception", perception);
    out.put("cognition", cognition);
    out.put("accuracy", t.mean("accuracy"));
    return out;
  }

  @Override
  public String mainMetric() {
    return "perception";
  }
}
