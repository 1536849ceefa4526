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
  public Map<String, Double> aggregate(List<Scored> rows) {
    Map<String, Map<String, double[]>> byCategory =
        new LinkedHashMap<>(); // category → question pair → {right, n}
    for (Scored r : rows) {
      String cat = r.sample().string("category");
      String img = unitOf(r);
      double[] a =
          byCategory
              .computeIfAbsent(cat, k -> new LinkedHashMap<>())
              .computeIfAbsent(img, k -> new double[2]);
      a[0] += r.score().score();
      a[1]++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    double perception = 0;
    double cognition = 0;
    for (Map.Entry<String, Map<String, double[]>> c : byCategory.entrySet()) {
      double sum = 0;
      for (Map.Entry<String, double[]> img : c.getValue().entrySet()) {
        double[] a = img.getValue();
        if (a[1] != 2) {
          throw new BenchmarkDataException(
              name()
                  + ": category '"
                  + c.getKey()
                  + "', question pair '"
                  + img.getKey()
                  + "' has "
                  + (int) a[1]
                  + " rows; MME scores pairs of exactly 2");
        }
        double acc = a[0] / a[1] * 100;
        double accPlus = a[0] == 2 ? 100 : 0;
        sum += acc + accPlus;
      }
      double score = sum / c.getValue().size();
      out.put("category/" + c.getKey(), score);
      if (PERCEPTION.contains(c.getKey())) {
        perception += score;
      } else {
        cognition += score;
      }
    }
    out.put("perception", perception);
    out.put("cognition", cognition);
    out.put("accuracy", Metrics.mean(rows));
    return out;
  }

  @Override
  public String mainMetric() {
    return "perception";
  }
}
