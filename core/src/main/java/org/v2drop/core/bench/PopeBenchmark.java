package org.v2drop.core.bench;

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
  public void tally(List<Scored> unit, Tally into) {
    for (Scored r : unit) {
      count(r, "", into);
      String split = r.sample().optString("category");
      if (split != null) {
        into.add(SPLIT + split, 1);
        count(r, split + "/", into);
      }
    }
  }

  private static final String SPLIT = "split:";

  /** The row's part of accuracy, precision, recall and the yes ratios, under {@code prefix}. */
  private static void count(Scored r, String prefix, Tally into) {
    String gt = r.sample().string("answer").toLowerCase(Locale.ROOT).strip();
    String pred = r.score().parsed();
    into.add(prefix + "accuracy", r.score().score());
    into.add(prefix + "gt_yes", gt.equals("yes") ? 1 : 0);
    into.add(prefix + "pred_yes", pred.equals("yes") ? 1 : 0);
    into.add(prefix + "tp", gt.equals("yes") && pred.equals("yes") ? 1 : 0);
    into.add(prefix + "fp", gt.equals("no") && pred.equals("yes") ? 1 : 0);
    into.add(prefix + "fn", gt.equals("yes") && pred.equals("no") ? 1 : 0);
  }

  @Override
  public Map<String, Double> metrics(Tally t) {
    Map<String, Double> out = new LinkedHashMap<>(metrics(t, ""));
    List<String> splits = t.keys(SPLIT);
    double f1Sum = 0;
    for (String split : splits) {
      Map<String, Double> m = metrics(t, split + "/");
      out.putAll(m);
      f1Sum += m.get(split + "/f1");
    }
    if (!splits.isEmpty()) {
      out.put("f1_mean_over_splits", f1Sum / splits.size());
    }
    return out;
  }

  private static Map<String, Double> metrics(Tally t, String prefix) {
    double tp = t.sum(prefix + "tp");
    double fp = t.sum(prefix + "fp");
    double fn = t.sum(prefix + "fn");
    double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + "accuracy", t.mean(prefix + "accuracy"));
    m.put(prefix + "precision", precision);
    m.put(prefix + "recall", recall);
    m.put(prefix + "f1", f1);
    m.put(prefix + "yes_ratio", t.mean(prefix + "gt_yes"));
    m.put(prefix + "pred_yes_ratio", t.mean(prefix + "pred_yes"));
    return m;
  }

  @Override
  public String mainMetric() {
    return "f1";
  }
}
