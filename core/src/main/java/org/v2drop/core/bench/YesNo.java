package org.v2drop.core.bench;

import java.util.Locale;

/** lmms-eval's MME answer parsing: "yes", "no" or "other". */
public final class YesNo {
  private YesNo() {}

  /**
   * Lowercase, strip, delete "."; exact yes/no; single y/n; else "yes" then "no" in the first 4
   * chars.
   */
  public static String parseMme(String response) {
    String s = response.toLowerCase(Locale.ROOT).strip().replace(".", "");
    if (s.equals("yes") || s.equals("no")) {
      return s;
    }
    if (s.length() == 1) {
      return s.equals("y") ? "yes" : s.equals("n") ? "no" : "other";
    }
    String prefix = s.substring(0, Math.min(4, s.length()));
    return prefix.contains("yes") ? "yes" : prefix.contains("no") ? "no" : "other";
  }
}
