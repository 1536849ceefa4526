package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * POPE (docs/benchmarks.md "POPE"): exact yes/no match; accuracy, precision, recall, F1, the share
 * of ground-truth "yes" (lmms-eval's yes_ratio) and of predicted "yes"; per split (category) and
 * the mean F1 over the splits.
 */
public final class PopeBenchmark extends NamedBenchmark {
  public PopeBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("question_id", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("answer", Column.Kind.STRING),
        Column.of("image", Column.Kind.IMAGE),
        Column.optional("category", Column.Kind.STRING));
  }

  @Override
  public String question(Sample s) {
    return s.string("question").strip() + PromptFragments.SHORT_ANSWER;
  }

  @Override
  public int maxNewTokens() {
    return 128;
  }

  @Override
  public SampleScore score(Sample s, String response) {
    String pred = response.toLowerCase(Locale.ROOT).strip();
    return new SampleScore(
        pred.equals(s.string("answer").toLowerCase(Locale.ROOT).strip()) ? 1 : 0, pred);
  }

  @Override
  public Map<String, Double> aggregate(List<Scored> rows) {
    Map<String, Double> out = new LinkedHashMap<>(counts(rows, ""));
    Map<String, List<Scored>> bySplit = new LinkedHashMap<>();
    for (Scored r : rows) {
      String c = r.sample().optString("category");
      if (c != null) {
        bySplit.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
      }
    }
    double f1Sum = 0;
    for (Map.Entry<String, List<Scored>> e : bySplit.entrySet()) {
      Map<String, Double> m = counts(e.getValue(), e.getKey() + "/");
      out.putAll(m);
      f1Sum += m.get(e.getKey() + "/f1");
    }
    if (!bySplit.isEmpty()) {
      out.put("f1_mean_over_splits", f1Sum / bySplit.size());
    }
    return out;
  }

  private static Map<String, Double> counts(List<Scored> rows, String prefix) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int gtYes = 0;
    int predYes = 0;
    for (Scored r : rows) {
      String gt = r.sample().string("answer").toLowerCase(Locale.ROOT).strip();
      String pred = r.score().parsed();
      gtYes += gt.equals("yes") ? 1 : 0;
      predYes += pred.equals("yes") ? 1 : 0;
      if (gt.equals("yes") && pred.equals("yes")) {
        tp++;
      } else if (gt.equals("no") && pred.equals("yes")) {
        fp++;
      } else if (gt.equals("yes") && pred.equals("no")) {
        fn++;
      }
    }
    double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + "accuracy", Metrics.mean(rows));
    m.put(prefix + "precision", precision);
    m.put(prefix + "recall", recall);
    m.put(prefix + "f1", f1);
    m.put(prefix + "yes_ratio", rows.isEmpty() ? 0 : (double) gtYes / rows.size());
    m.put(prefix + "pred_yes_ratio", rows.isEmpty() ? 0 : (double) predYes / rows.size());
    return m;
  }

  @Override
  public String mainMetric() {
    return "f1";
  }
}
