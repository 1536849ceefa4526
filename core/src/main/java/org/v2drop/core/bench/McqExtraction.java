package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multiple-choice answer letters as lmms-eval 0.7.2 finds them (docs/benchmarks.md "MMBench").
 *
 * <p>{@link #extract} is {@code _task_utils/mcq_extract.py:extract_mcq_answer}: every way a letter
 * can be written is a candidate with a priority (a bare letter starting the answer 10, ending it 9,
 * a letter after an answer phrase 7, "(L)" 6, "L." 5, "L:" 4, "L)" 3, "L " 2, and — only when
 * nothing else matched — any occurrence 0); the highest priority wins, then the latest position.
 * {@link #canInfer} is MMBench's {@code can_infer}, tried before it in MMBench's static evaluation.
 */
public final class McqExtraction {
  /** Characters stripped from both ends, one kind after the other, before matching. */
  private static final String END_PUNCTUATION = ",.!?;:'\"";

  /** Phrases after which the first occurrence of each letter is a candidate (lowercase). */
  private static final List<String> ANSWER_PHRASES =
      List.of(
          "the answer is",
          "answer is",
          "the correct answer is",
          "correct answer is",
          "the best answer is",
          "best answer is",
          "the correct option is",
          "correct option is",
          "the best option is",
          "best option is",
          "the choice is",
          "choice is",
          "the correct choice is",
          "correct choice is",
          "i choose",
          "i select",
          "i pick",
          "my answer is",
          "my choice is",
          "옵션",
          "정답은",
          "답은",
          "답:",
          "答案是",
          "答案为",
          "选",
          "答えは");

  private static final int START = 10;
  private static final int END = 9;
  private static final int PHRASE = 7;
  private static final int FALLBACK = 0;

  /** Letter-with-affix forms and their priorities, in lmms-eval's order. */
  private static final String[][] FORMS = {
    {"(", ")", "6"}, {"", ".", "5"}, {"", ":", "4"}, {"", ")", "3"}, {"", " ", "2"}
  };

  private McqExtraction() {}

  /** One way a letter was found: its priority and position in the padded text. */
  private record Candidate(String letter, int position, int priority) {}

  /** The extracted option letter, or "" when none of {@code letters} can be found. */
  public static String extract(String response, List<String> letters) {
    if (response.isBlank()) {
      return "";
    }
    String text = response.strip();
    for (char c : END_PUNCTUATION.toCharArray()) {
      text = stripAll(text, c);
    }
    text = " " + text + " "; // pads for boundary matching
    List<Candidate> candidates = new ArrayList<>();
    for (String[] form : FORMS) {
      for (String l : letters) {
        int at = text.lastIndexOf(form[0] + l + form[1]);
        if (at >= 0) {
          candidates.add(new Candidate(l, at, Integer.parseInt(form[2])));
        }
      }
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String phrase : ANSWER_PHRASES) {
      int at = lower.indexOf(phrase);
      if (at >= 0) {
        for (String l : letters) {
          int pos = text.indexOf(l, at + phrase.length()); // even inside a word, as lmms-eval
          if (pos >= 0) {
            candidates.add(new Candidate(l, pos, PHRASE));
          }
        }
      }
    }
    String core = text.strip();
    for (String l : letters) {
      if (core.startsWith(l) && (core.length() == 1 || !Character.isLetter(core.charAt(1)))) {
        candidates.add(new Candidate(l, 0, START));
      }
    }
    for (String l : letters) {
      if (core.endsWith(l)
          && (core.length() == 1 || !Character.isLetter(core.charAt(core.length() - 2)))) {
        candidates.add(new Candidate(l, text.length() - 1, END));
      }
    }
    if (candidates.isEmpty()) {
      for (String l : letters) {
        int at = text.lastIndexOf(l);
        if (at >= 0) {
          candidates.add(new Candidate(l, at, FALLBACK));
        }
      }
    }
    Candidate best = null; // highest priority, then latest position; the first found on a tie
    for (Candidate c : candidates) {
      if (best == null
          || c.priority() > best.priority()
          || (c.priority() == best.priority() && c.position() > best.position())) {
        best = c;
      }
    }
    return best == null ? "" : best.letter();
  }

  /** Python's {@code str.strip(c)}: every {@code c} removed from both ends. */
  private static String stripAll(String s, char c) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == c) {
      from++;
    }
    while (to > from && s.charAt(to - 1) == c) {
      to--;
    }
    return s.substring(from, to);
  }

  /**
   * lmms-eval's {@code MMBench_Evaluator.can_infer} (0.7.2): the option letter the response names
   * ({@link #canInferOption}), else the one option whose text alone appears in it ({@link
   * #canInferText}); null when neither.
   *
   * @param choices letter → option text of the present options
   */
  public static String canInfer(String response, Map<String, String> choices) {
    String option = canInferOption(response);
    return option != null ? option : canInferText(response, choices);
  }

  private static final String OPTION_LETTERS = "ABCDE";

  /** Prefix / suffix pairs tried after bare letters, in lmms-eval's order. */
  private static final String[][] AFFIXES = {
    {"", "."},
    {"", ","},
    {"", ":"},
    {"", ")"},
    {"", ")."},
    {"(", ")"},
    {"(", ")."},
    {":", ""},
    {":", ","},
    {":", "."},
    {":", ")"},
    {":", ")."}
  };

  /**
   * A letter A-E standing alone among the response's whitespace-separated words (not "A" in a
   * sentence of more than 3 words, where it may be the article), else written with exactly one of
   * the affixes ("B.", "(C)", ":D", ...); null when no single letter is found.
   */
  static String canInferOption(String response) {
    if (response.contains("Failed to obtain answer via API")) {
      return null;
    }
    List<String> words = new ArrayList<>();
    for (String w : response.strip().split("(?U)\\s+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    if (count(words, "", "") == 1) {
      for (char c : OPTION_LETTERS.toCharArray()) {
        if (words.contains("A") && words.size() > 3) {
          break;
        }
        if (words.contains(String.valueOf(c))) {
          return String.valueOf(c);
        }
      }
    }
    for (String[] affix : AFFIXES) {
      if (count(words, affix[0], affix[1]) == 1) {
        for (char c : OPTION_LETTERS.toCharArray()) {
          if (words.contains(affix[0] + c + affix[1])) {
            return String.valueOf(c);
          }
        }
      }
    }
    return null;
  }

  private static int count(List<String> words, String prefix, String suffix) {
    int n = 0;
    for (char c : OPTION_LETTERS.toCharArray()) {
      n += words.contains(prefix + c + suffix) ? 1 : 0;
    }
    return n;
  }

  /** The one option whose text (lowercased) appears in the lowercased response; else null. */
  static String canInferText(String response, Map<String, String> choices) {
    String lower = response.toLowerCase(Locale.ROOT);
    String found = null;
    int n = 0;
    for (Map.Entry<String, String> e : choices.entrySet()) {
      if (lower.contains(e.getValue().toLowerCase(Locale.ROOT))) {
        found = e.getKey();
        n++;
      }
    }
    return n == 1 ? found : null;
  }
}
