package org.v2drop.core.bench;

import java.util.List;
import java.util.Map;
import org.v2drop.core.video.Videos;

/**
 * One lmms-eval task: where its rows live and which columns it reads, the prompt it builds, how a
 * response is scored and how scores aggregate. Implementations follow docs/benchmarks.md exactly;
 * each is registered once in {@link Benchmarks}.
 */
public interface Benchmark {
  /** lmms-eval task name, e.g. {@code pope}, {@code textvqa_val}. */
  String name();

  /**
   * Where the task's rows live in a copy of its dataset repository, and which columns identify a
   * row.
   */
  DatasetLayout layout();

  /** Columns read from each row. */
  List<Column> columns();

  /**
   * The task text for one sample (lmms-eval's doc_to_text: no chat template, no image
   * placeholders).
   */
  String question(Sample sample);

  /** lmms-eval's max_new_tokens for the task. */
  int maxNewTokens();

  /** Scores one raw response. */
  SampleScore score(Sample sample, String response);

  /**
   * Adds what one scoring unit's rows ({@link #unit}: a sample, MME's question pair, MMBench's
   * circular group) contribute to the task metrics.
   */
  void tally(List<Scored> unit, Tally into);

  /** The task metrics of a tally: a cell's, or a bootstrap resample's. */
  Map<String, Double> metrics(Tally tally);

  /** Task metrics over all scored samples of one cell: its units' tallies summed. */
  default Map<String, Double> aggregate(List<Scored> rows) {
    Tally t = new Tally();
    for (List<Scored> unit : units(rows)) {
      tally(unit, t);
    }
    return metrics(t);
  }

  /** Rows grouped by {@link #unit}, units in first-seen order. */
  default java.util.Collection<List<Scored>> units(List<Scored> rows) {
    Map<String, List<Scored>> out = new java.util.LinkedHashMap<>();
    for (Scored r : rows) {
      out.computeIfAbsent(unit(r.sample()), k -> new java.util.ArrayList<>()).add(r);
    }
    return out.values();
  }

  /** The metric summary tables show. */
  String mainMetric();

  /**
   * The unit the benchmark's score is built from, which a bootstrap resamples whole: the sample by
   * default; MME's question pair (two questions on one image), MMBench's circular group.
   */
  default String unit(Sample sample) {
    return sample.id();
  }

  /**
   * {@link #toPrompt(Sample, ChatTemplate)} for a benchmark of videos, read from {@code videos}; a
   * benchmark without videos ignores it.
   */
  default Prompt toPrompt(Sample sample, ChatTemplate template, Videos videos) {
    return toPrompt(sample, template);
  }

  /** The sample's question in the model family's template, with one image per placeholder. */
  default Prompt toPrompt(Sample sample, ChatTemplate template) {
    return Prompt.ofEncoded(
        template.apply(question(sample), sample.images().size()),
        sample.images(),
        name() + " sample " + sample.id());
  }
}
