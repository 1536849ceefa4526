package org.v2drop.core.bench;

import java.util.List;
import java.util.Map;

/**
 * One lmms-eval task: which columns it reads, the prompt it builds, how a response is scored and
 * how scores aggregate. Implementations follow docs/benchmarks.md exactly.
 */
public interface Benchmark {
  /** lmms-eval task name, e.g. {@code pope}, {@code textvqa_val}. */
  String name();

  /** Columns read from each row. */
  List<Column> columns();

  /** The task text for one sample (without the conversation template or image placeholders). */
  String question(Sample sample);

  /** lmms-eval's max_new_tokens for the task. */
  int maxNewTokens();

  /** Scores one raw response. */
  SampleScore score(Sample sample, String response);

  /** Task metrics over all scored samples of one cell. */
  Map<String, Double> aggregate(List<Scored> rows);

  /** The metric summary tables show. */
  String mainMetric();

  /** The full LLaVA-1.5 prompt: vicuna_v1 conversation with one image placeholder per image. */
  default String prompt(Sample sample) {
    return Conversation.llava15(question(sample), sample.images().size());
  }
}
