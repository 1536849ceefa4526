package org.v2drop.core.bench;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic multiple-choice answer extraction (docs/benchmarks.md "MMBench").
 *
 * <p>{@link #extract} applies the priority rules (bare letter at the start 10, at the end 9, answer
 * phrases 7, "(L)" 6, "L." 5, "L:" 4, "L)" 3, "L " 2, anywhere 0); the highest priority wins, then
 * the latest position.
 */
public final class McqExtraction {
  private static final String NOT_WORD_BEFORE = "(?<![A-Za-z0-9])";
  private static final String NOT_WORD_AFTER = "(?![A-Za-z0-9])";

  private McqExtraction() {}

  private record Rule(int priority, String regex) {}

  private static List<Rule> rules(String letter) {
    String l = Pattern.quote(letter);
    return List.of(
        new Rule(10, "^" + l + NOT_WORD_AFTER),
        new Rule(9, NOT_WORD_BEFORE + l + "[^A-Za-z0-9]*$"),
        new Rule(
            7,
            "(?i:answer|option|choice)(?:\\s+is)?\\s*[:\\-]?\\s*\\(?(?-i:"
                + l
                + ")"
                + NOT_WORD_AFTER),
        new Rule(6, "\\(" + l + "\\)"),
        new Rule(5, NOT_WORD_BEFORE + l + "\\."),
        new Rule(4, NOT_WORD_BEFORE + l + ":"),
        new Rule(3, NOT_WORD_BEFORE + l + "\\)"),
        new Rule(2, NOT_WORD_BEFORE + l + " "),
        new Rule(0, l));
  }

  /** The extracted option letter, or "" when none of {@code letters} can be found. */
  public static String extract(String response, List<String> letters) {
    String text = response.strip();
    int bestPriority = -1;
    int bestPosition = -1;
    String best = "";
    for (String letter : letters) {
      for (Rule r : rules(letter)) {
        Matcher m = Pattern.compile(r.regex()).matcher(text);
        int last = -1;
        while (m.find()) {
          last = m.start();
          if (m.end() == m.start()) {
            break;
          }
        }
        if (last < 0) {
          continue;
        }
        int pos = text.indexOf(letter, last);
        if (r.priority() > bestPriority || (r.priority() == bestPriority && pos > bestPosition)) {
          bestPriority = r.priority();
          bestPosition = pos;
          best = letter;
        }
        break; // rules are in priority order: the first that matches is this letter's best
      }
    }
    return best;
  }
}
