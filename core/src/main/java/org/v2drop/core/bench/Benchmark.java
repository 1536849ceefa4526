package org.v2drop.core.bench;

import java.util.List;
import java.util.Map;

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

  /** Task metrics over all scored samples of one cell. */
  Map<String, Double> aggregate(List<Scored> rows);

  /** The metric summary tables show. */
  String mainMetric();

  /**
   * The unit the benchmark's score is built from, which a bootstrap resamples whole: the sample by
   * default; MME's question pair (two questions on one image), MMBench's circular group.
   */
  default String unit(Sample sample) {
    return sample.id();
  }

  /** A scored row's unit: its own when it carries one (a bootstrap copy), else {@link #unit}. */
  default String unitOf(Scored row) {
    return row.unit() != null ? row.unit() : unit(row.sample());
  }

  /** The sample's question in the model family's template, with one image per placeholder. */
  default Prompt toPrompt(Sample sample, ChatTemplate template) {
    return new Prompt(
        template.apply(question(sample), sample.images().size()),
        sample.images(),
        name() + " sample " + sample.id());
  }
}
