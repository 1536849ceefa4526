package org.v2drop.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.v2drop.core.video.Videos;

/**
 * MVBench as lmms-eval reads it (its {@code mvbench} group, docs/benchmarks.md "MVBench"): one JSON
 * of questions per subtask ({@code json/<subtask>.json}: {@code video}, {@code question}, {@code
 * candidates}, {@code answer}), the video under the subtask's folder ({@link #FOLDERS}) of the
 * videos location: a video file, or a folder of frames; candidates lettered "(A) ..."; lmms-eval's
 * {@code mcq_acc} scoring; accuracy per subtask over the non-empty answers, and their mean.
 */
public final class MvbenchBenchmark extends VideoBenchmark {
  /** The reader's column naming a row's subtask (its JSON file's name). */
  public static final String SUBTASK = "subtask";

  /** lmms-eval's {@code DATA_LIST}: subtask → folder of its videos. */
  public static final Map<String, String> FOLDERS = folders();

  private static Map<String, String> folders() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("action_sequence", "star/Charades_segment");
    m.put("action_prediction", "star/Charades_segment");
    m.put("action_antonym", "ssv2_video_mp4");
    m.put("fine_grained_action", "Moments_in_Time_Raw/videos");
    m.put("unexpected_action", "FunQA_test/test");
    m.put("object_existence", "clevrer/video_validation");
    m.put("object_interaction", "star/Charades_segment");
    m.put("object_shuffle", "perception/videos");
    m.put("moving_direction", "clevrer/video_validation");
    m.put("action_localization", "sta/sta_video_segment");
    m.put("scene_transition", "scene_qa/video");
    m.put("action_count", "perception/videos");
    m.put("moving_count", "clevrer/video_validation");
    m.put("moving_attribute", "clevrer/video_validation");
    m.put("state_change", "perception/videos");
    m.put("fine_grained_pose", "nturgbd_convert");
    m.put("character_order", "perception/videos");
    m.put("egocentric_navigation", "vlnqa");
    m.put("episodic_reasoning", "tvqa/video_fps3_hq_segment");
    m.put("counterfactual_inference", "clevrer/video_validation");
    return java.util.Collections.unmodifiableMap(m);
  }

  static final String POST_PROMPT = "Only give the best option.\n";

  public MvbenchBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("video", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("candidates", Column.Kind.STRING_LIST),
        Column.of("answer", Column.Kind.STRING));
  }

  /**
   * lmms-eval's {@code mvbench_doc_to_text}: "Question:" (no space), "Option:", "(A) ..." lines.
   */
  @Override
  public String question(Sample s) {
    StringBuilder options = new StringBuilder();
    List<String> candidates = s.strings("candidates");
    for (int i = 0; i < candidates.size(); i++) {
      options.append('(').append((char) ('A' + i)).append(") ").append(candidates.get(i));
      options.append('\n');
    }
    return "Question:" + s.string("question") + "\nOption:\n" + options + POST_PROMPT;
  }

  /** The sample's video (or frame folder) under its subtask's folder, frames sampled uniformly. */
  @Override
  public Prompt toPrompt(Sample sample, ChatTemplate template, Videos videos) {
    String source = name() + " sample " + sample.id();
    String folder = FOLDERS.get(subtask(sample));
    return prompt(
        question(sample),
        videos.read(List.of(folder + "/" + sample.string("video")), source),
        template,
        source);
  }

  private String subtask(Sample s) {
    String t = s.string(SUBTASK);
    if (!FOLDERS.containsKey(t)) {
      throw new BenchmarkDataException(
          s.source()
              + ": sample "
              + s.id()
              + ": unknown MVBench subtask '"
              + t
              + "'; known: "
              + String.join(", ", FOLDERS.keySet()));
    }
    return t;
  }

  /**
   * lmms-eval's {@code mvbench_process_results}: the answer's letter is that of the first candidate
   * equal to it; the response and that letter go through {@code mcq_acc}'s normalisation and must
   * be equal.
   */
  @Override
  public SampleScore score(Sample s, String response) {
    List<String> candidates = s.strings("candidates");
    int gt = candidates.indexOf(s.string("answer"));
    if (gt < 0) {
      throw new BenchmarkDataException(
          s.source() + ": sample " + s.id() + ": the answer is none of the candidates");
    }
    String pred = process(response);
    return new SampleScore(pred.equals(process(String.valueOf((char) ('A' + gt)))) ? 1 : 0, pred);
  }

  private static final Pattern OPTION =
      Pattern.compile(
          "^([A-E])\\.\\s*(.+)$",
          Pattern.CASE_INSENSITIVE | Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern LETTER =
      Pattern.compile("\\b([A-E])\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern COMMA = Pattern.compile("(\\d)(,)(\\d)");
  private static final Pattern PERIOD = Pattern.compile("(?!<=\\d)(\\.)(?!\\d)");
  private static final List<String> PUNCT =
      List.of(
          ";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@",
          "`", ",", "?", "!");

  /** {@code mcq_acc}'s {@code process}: an option letter, or the normalised text. */
  static String process(String answer) {
    Matcher m = OPTION.matcher(answer.strip());
    if (m.matches()) {
      return m.group(1).toUpperCase();
    }
    String a = answer.replace("\n", " ").replace("\t", " ").strip();
    a = punctuation(a);
    a = strip(a, '\'');
    a = strip(a, '"');
    a = strip(a, ')');
    a = strip(a, '(');
    a = a.strip().toLowerCase(java.util.Locale.ROOT);
    Matcher l = LETTER.matcher(a);
    if (l.find()) {
      return l.group(1).toUpperCase();
    }
    return a;
  }

  /**
   * {@code processPunctuation}: each mark removed where it touches a space (or the text has a digit
   * comma digit), else replaced by a space; then periods not before a digit removed, at most 32 of
   * them (lmms-eval passes {@code re.UNICODE} as {@code sub}'s count).
   */
  private static String punctuation(String in) {
    String out = in;
    boolean comma = COMMA.matcher(in).find();
    for (String p : PUNCT) {
      if (in.contains(p + " ") || in.contains(" " + p) || comma) {
        out = out.replace(p, "");
      } else {
        out = out.replace(p, " ");
      }
    }
    Matcher m = PERIOD.matcher(out);
    StringBuilder sb = new StringBuilder();
    int n = 0;
    while (n < 32 && m.find()) {
      m.appendReplacement(sb, "");
      n++;
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Python's {@code str.strip(c)}. */
  private static String strip(String s, char c) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == c) {
      a++;
    }
    while (b > a && s.charAt(b - 1) == c) {
      b--;
    }
    return s.substring(a, b);
  }

  /**
   * Per subtask, lmms-eval's {@code mvbench_aggregate_results}: the share correct among the
   * non-empty responses.
   */
  @Override
  public void tally(List<Scored> unit, Tally into) {
    for (Scored r : unit) {
      String t = r.sample().string(SUBTASK);
      into.add("answered/" + t, r.response().isEmpty() ? 0 : 1);
      if (!r.response().isEmpty()) {
        into.add("subtask/" + t, r.score().score());
      }
    }
  }

  /**
   * {@code accuracy}: the mean of the subtask accuracies (MVBench's headline; lmms-eval reports
   * only the 20), then {@code subtask/<name>} for each.
   */
  @Override
  public Map<String, Double> metrics(Tally t) {
    Map<String, Double> per = new LinkedHashMap<>();
    for (String k : t.keys("answered/")) {
      per.put("subtask/" + k, t.mean("subtask/" + k)); // 0 when no answer was non-empty
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("accuracy", per.values().stream().mapToDouble(Double::doubleValue).average().orElse(0));
    out.putAll(per);
    return out;
  }

  @Override
  public String mainMetric() {
    return "accuracy";
  }
}
