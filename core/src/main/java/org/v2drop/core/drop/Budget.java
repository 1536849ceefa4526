package org.v2drop.core.drop;

import java.util.Locale;
import java.util.Map;

/**
 * A token budget: the share of a model's vision tokens kept on average over its decoder layers (the
 * paper's counting — "192 tokens" on LLaVA-1.5 is a layer average of 192 of its 576 vision tokens —
 * expressed as a share, so that it means the same on any model, image size or depth).
 *
 * @param share kept share of the vision tokens, layer-averaged, in (0, 1)
 * @param text the budget as written ({@code 192} or {@code 40%})
 */
public record Budget(double share, String text) {
  public Budget {
    if (!(share > 0 && share < 1)) {
      throw new IllegalArgumentException(
          "budget " + text + " is not a share of the vision tokens in (0, 1)");
    }
  }

  /**
   * Named budgets for LLaVA-NeXT, whose AnyRes images give up to 2,880 vision tokens: the shares
   * LLaVA-1.5's 192 / 128 / 64 keep (a third, two ninths, a ninth: 960 / 640 / 320 of 2,880), named
   * by the percentage kept.
   */
  public static final Map<String, Double> NAMED = named();

  private static Map<String, Double> named() {
    Map<String, Double> m = new java.util.LinkedHashMap<>();
    m.put("llava-next-33", 1 / 3.0);
    m.put("llava-next-22", 2 / 9.0);
    m.put("llava-next-11", 1 / 9.0);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** A named budget ({@link #NAMED}), or null. */
  public static Budget named(String name) {
    Double share = NAMED.get(name);
    return share == null ? null : new Budget(share, name);
  }

  /**
   * {@code <tokens>} in LLaVA-1.5's counting (a share {@code tokens / 576}), or {@code <percent>%}.
   */
  public static Budget parse(String text) {
    String t = text.trim();
    try {
      if (t.endsWith("%")) {
        return new Budget(Double.parseDouble(t.substring(0, t.length() - 1)) / 100, t);
      }
      return new Budget(Double.parseDouble(t) / PaperSchedule.REFERENCE_VISION_TOKENS, t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "budget '" + text + "' is neither a token count (e.g. 192) nor a percentage (e.g. 40%)");
    }
  }

  /** {@code 192 (33.3%)} or {@code 40%}. */
  public String describe() {
    return text.endsWith("%")
        ? text
        : text + " (" + String.format(Locale.ROOT, "%.1f%%", 100 * share) + ")";
  }
}
