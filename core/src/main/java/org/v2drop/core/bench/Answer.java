package org.v2drop.core.bench;

/**
 * A model's answer as lmms-eval scores it: the raw decoded text with reasoning blocks ({@code
 * <think>…</think>}, {@code <analysis>…</analysis>}) removed and surrounding whitespace stripped,
 * as lmms-eval's evaluator does before any task scores a response (its default reasoning tags).
 *
 * @param raw the decoded text, as reports record it
 * @param text what the benchmark scores
 */
public record Answer(String raw, String text) {
  private static final String[][] REASONING_TAGS = {
    {"<think>", "</think>"}, {"<analysis>", "</analysis>"}
  };

  public static Answer of(String raw) {
    String text = raw;
    for (String[] tag : REASONING_TAGS) {
      while (text.contains(tag[0]) && text.contains(tag[1])) {
        int start = text.indexOf(tag[0]);
        int end = text.indexOf(tag[1], start);
        if (end < 0) {
          break; // a closing tag only before the opening one
        }
        text = text.substring(0, start) + text.substring(end + tag[1].length());
      }
      // a template may prefill the opening tag: the answer is what follows the last closing tag
      if (text.contains(tag[1]) && !text.contains(tag[0])) {
        text = text.substring(text.lastIndexOf(tag[1]) + tag[1].length());
      }
    }
    return new Answer(raw, text.strip());
  }
}
