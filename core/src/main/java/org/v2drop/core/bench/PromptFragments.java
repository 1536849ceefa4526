package org.v2drop.core.bench;

/**
 * The instruction texts lmms-eval appends to (or puts before) a task's question, declared once for
 * every benchmark that uses them (docs/benchmarks.md gives each task's exact prompt).
 */
public final class PromptFragments {
  /** POPE, GQA, MME, TextVQA: lmms-eval's default post-prompt for short answers. */
  public static final String SHORT_ANSWER = "\nAnswer the question using a single word or phrase.";

  /** VizWiz-VQA's post-prompt: unanswerable questions, then a short answer. */
  public static final String VIZWIZ_SHORT_ANSWER =
      "\nWhen the provided information is insufficient, respond with "
          + "'Unanswerable'."
          + SHORT_ANSWER;

  /** ScienceQA-IMG, MMBench and the video MCQ tasks: answer with the option letter. */
  public static final String OPTION_LETTER =
      "\nAnswer with the option's letter from the given choices directly.";

  /** Video-MME's pre-prompt (subtitles off: lmms-eval keeps the sentence as written). */
  public static final String VIDEO_MCQ_INSTRUCTION =
      "Select the best answer to the following multiple-choice "
          + "question based on the video and the subtitles. Respond with only the letter (A, B, C, or D) of the correct "
          + "option.\n";

  private PromptFragments() {}
}
