package org.v2drop.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.v2drop.core.video.Videos;

/**
 * Video-MME as lmms-eval reads it (docs/benchmarks.md "Video"): text rows ({@code videoID},
 * question, options already "A. ...", answer letter) and a video file per {@code videoID} ({@code
 * <videoID>.mp4}, else {@code .MP4}, else {@code .mkv}) among the benchmark's videos; the frames go
 * in as images for a family without video input (LLaVA: one {@code <image>} per frame), as one
 * video for one with it; the same letter extraction as MMBench.
 */
public final class VideoMcqBenchmark extends VideoBenchmark {
  /** The file names tried for a video, in lmms-eval's order. */
  static final List<String> EXTENSIONS = List.of(".mp4", ".MP4", ".mkv");

  public VideoMcqBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("question_id", Column.Kind.STRING),
        Column.of("videoID", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("options", Column.Kind.STRING_LIST),
        Column.of("answer", Column.Kind.STRING),
        Column.optional("duration", Column.Kind.STRING),
        Column.optional("domain", Column.Kind.STRING),
        Column.optional("sub_category", Column.Kind.STRING),
        Column.optional("task_type", Column.Kind.STRING));
  }

  @Override
  public String question(Sample s) {
    return PromptFragments.VIDEO_MCQ_INSTRUCTION
        + s.string("question")
        + "\n"
        + String.join("\n", s.strings("options"))
        + "\n"
        + PromptFragments.OPTION_LETTER;
  }

  /**
   * lmms-eval's {@code videomme_doc_to_text_subtitle}: the subtitles first, the same instruction,
   * question and options, then "The best answer is:" (its yaml post-prompt is not used there).
   */
  static String withSubtitles(Sample s, String subtitles) {
    return "This video's subtitles are listed below: \n"
        + subtitles
        + "\n"
        + PromptFragments.VIDEO_MCQ_INSTRUCTION
        + s.string("question")
        + "\n"
        + String.join("\n", s.strings("options"))
        + "\nThe best answer is:";
  }

  /** The sample's video, {@code videos.frames()} frames sampled uniformly (0: every frame). */
  @Override
  public Prompt toPrompt(Sample sample, ChatTemplate template, Videos videos) {
    String source = name() + " sample " + sample.id();
    String id = sample.string("videoID");
    boolean subtitled = layout().subtitlesDir() != null;
    Videos.Clip clip =
        videos.clip(
            EXTENSIONS.stream().map(e -> id + e).toList(), subtitled ? id + ".srt" : null, source);
    String question = subtitled ? withSubtitles(sample, clip.subtitles()) : question(sample);
    return prompt(question, clip.frames(), template, source);
  }

  /**
   * Video-MME's letters: A-D whatever the options (lmms-eval's {@code extract_characters_regex}).
   */
  private static final List<String> LETTERS = List.of("A", "B", "C", "D");

  @Override
  public SampleScore score(Sample s, String response) {
    String letter = McqExtraction.extract(response, LETTERS);
    return new SampleScore(letter.equalsIgnoreCase(s.string("answer")) ? 1 : 0, letter);
  }

  @Override
  public void tally(List<Scored> unit, Tally into) {
    for (Scored r : unit) {
      double v = r.score().score();
      into.add("accuracy", v);
      for (String group : GROUPS) {
        String k = r.sample().optString(group);
        if (k != null) {
          into.add(group + "/" + k, v);
        }
      }
    }
  }

  /**
   * Per-value accuracies, as lmms-eval logs them: {@code duration/short|medium|long}, {@code
   * domain/...}, {@code sub_category/...}, {@code task_type/...}.
   */
  private static final List<String> GROUPS =
      List.of("duration", "domain", "sub_category", "task_type");

  @Override
  public Map<String, Double> metrics(Tally t) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("accuracy", t.mean("accuracy"));
    for (String group : GROUPS) {
      out.putAll(t.means(group));
    }
    return out;
  }

  @Override
  public String mainMetric() {
    return "accuracy";
  }
}
