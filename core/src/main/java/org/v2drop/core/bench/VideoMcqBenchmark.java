package org.v2drop.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Video-MME-style task with frames already extracted to images (docs/benchmarks.md "Video"):
 * every frame is an image in the prompt; options already read "A. ..."; the same letter extraction
 * as MMBench.
 */
public final class VideoMcqBenchmark extends NamedBenchmark {
  public VideoMcqBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  @Override
  public List<Column> columns() {
    return List.of(
        Column.of("question_id", Column.Kind.STRING),
        Column.of("question", Column.Kind.STRING),
        Column.of("options", Column.Kind.STRING_LIST),
        Column.of("answer", Column.Kind.STRING),
        Column.of("frames", Column.Kind.IMAGE_LIST),
        Column.optional("duration", Column.Kind.STRING),
        Column.optional("domain", Column.Kind.STRING),
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
   * The frames as one video where the model family takes video input ({@link
   * ChatTemplate#applyVideo}), else as images, one per frame.
   */
  @Override
  public Prompt toPrompt(Sample sample, ChatTemplate template) {
    return toPrompt(sample, template, 0);
  }

  /**
   * With {@code frames > 0} and more frames in the sample, {@code frames} of them taken uniformly
   * as lmms-eval samples a video ({@code np.linspace(0, total - 1, frames, dtype=int)}); fewer
   * frames than that are all used.
   */
  @Override
  public Prompt toPrompt(Sample sample, ChatTemplate template, int frames) {
    String source = name() + " sample " + sample.id();
    List<byte[]> all = sample.images();
    List<byte[]> chosen = new java.util.ArrayList<>();
    for (int i : uniformFrames(all.size(), frames)) {
      chosen.add(all.get(i));
    }
    String video = template.applyVideo(question(sample));
    if (video == null) {
      return new Prompt(template.apply(question(sample), chosen.size()), chosen, source);
    }
    return new Prompt(video, List.of(), List.of(chosen), source);
  }

  /**
   * {@code np.linspace(0, total - 1, wanted, dtype=int)}: {@code wanted} indices spread evenly over
   * {@code total} frames, first and last included, truncated toward zero; every index when {@code
   * wanted} is 0 or not below {@code total}.
   */
  static int[] uniformFrames(int total, int wanted) {
    if (wanted <= 0 || wanted >= total) {
      int[] all = new int[total];
      for (int i = 0; i < total; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] out = new int[wanted];
    double step = wanted == 1 ? 0 : (double) (total - 1) / (wanted - 1);
    for (int i = 0; i < wanted; i++) {
      out[i] = i == wanted - 1 && wanted > 1 ? total - 1 : (int) (i * step);
    }
    return out;
  }

  @Override
  public int maxNewTokens() {
    return 16;
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

  /** Per-value accuracies: {@code duration/short}, {@code domain/...}, {@code task_type/...}. */
  private static final List<String> GROUPS = List.of("duration", "domain", "task_type");

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
