package org.v2drop.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EvalAI / VQA answer normalisation used by lmms-eval for TextVQA and VizWiz
 * (docs/benchmarks.md "TextVQA"): lowercase; delete "," and "?"; "'s" → " 's"; strip; newlines/tabs
 * → space; punctuation deleted or spaced; periods not followed by a digit deleted (at most 32, as
 * {@code re.sub(..., re.UNICODE)} passes 32 as the count); number words mapped; articles dropped;
 * contractions mapped. Tables come from evalai-normalization.json.
 */
public final class EvalAiNormalizer {
  private static final int PERIOD_STRIP_LIMIT = 32;
  private static final EvalAiNormalizer INSTANCE = load();

  private final Map<String, String> contractions;
  private final Map<String, String> numbers;
  private final Set<String> articles;
  private final List<String> punctuations;
  private final Pattern commaStrip;
  private final Pattern periodStrip;

  private EvalAiNormalizer(
      Map<String, String> contractions,
      Map<String, String> numbers,
      Set<String> articles,
      List<String> punctuations,
      Pattern commaStrip,
      Pattern periodStrip) {
    this.contractions = contractions;
    this.numbers = numbers;
    this.articles = articles;
    this.punctuations = punctuations;
    this.commaStrip = commaStrip;
    this.periodStrip = periodStrip;
  }

  /** Normalises one answer. */
  public static String normalize(String answer) {
    return INSTANCE.apply(answer);
  }

  String apply(String answer) {
    String s =
        answer
            .toLowerCase(java.util.Locale.ROOT)
            .replace(",", "")
            .replace("?", "")
            .replace("'s", " 's")
            .strip();
    s = s.replace("\n", " ").replace("\t", " ").strip();
    s = punctuation(s);
    return digitsAndArticles(s);
  }

  private String punctuation(String in) {
    String out = in;
    boolean commaNumber = commaStrip.matcher(in).find();
    for (String p : punctuations) {
      if (in.contains(p + " ") || in.contains(" " + p) || commaNumber) {
        out = out.replace(p, "");
      } else {
        out = out.replace(p, " ");
      }
    }
    Matcher m = periodStrip.matcher(out);
    StringBuilder sb = new StringBuilder();
    int replaced = 0;
    while (replaced < PERIOD_STRIP_LIMIT && m.find()) {
      m.appendReplacement(sb, "");
      replaced++;
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private String digitsAndArticles(String in) {
    List<String> words = new ArrayList<>();
    for (String w : in.toLowerCase(java.util.Locale.ROOT).split("\\s+")) {
      if (w.isEmpty()) {
        continue;
      }
      String mapped = numbers.getOrDefault(w, w);
      if (!articles.contains(mapped)) {
        words.add(mapped);
      }
    }
    words.replaceAll(w -> contractions.getOrDefault(w, w));
    return String.join(" ", words);
  }

  private static EvalAiNormalizer load() {
    try (InputStream in = EvalAiNormalizer.class.getResourceAsStream("evalai-normalization.json")) {
      if (in == null) {
        throw new IllegalStateException(
            "resource evalai-normalization.json missing from the core jar");
      }
      JsonNode n = new ObjectMapper().readTree(in);
      Map<String, String> contractions = new HashMap<>();
      n.get("contractions")
          .fields()
          .forEachRemaining(e -> contractions.put(e.getKey(), e.getValue().asText()));
      Map<String, String> numbers = new HashMap<>();
      n.get("number_map")
          .fields()
          .forEachRemaining(e -> numbers.put(e.getKey(), e.getValue().asText()));
      List<String> articles = new ArrayList<>();
      n.get("articles").forEach(a -> articles.add(a.asText()));
      List<String> punct = new ArrayList<>();
      n.get("punctuations").forEach(p -> punct.add(p.asText()));
      return new EvalAiNormalizer(
          Map.copyOf(contractions),
          Map.copyOf(numbers),
          Set.copyOf(articles),
          List.copyOf(punct),
          Pattern.compile(n.get("comma_strip_regex").asText()),
          Pattern.compile(n.get("period_strip_regex").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
