package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.Visual;
import org.v2drop.core.video.Videos;

/**
 * A benchmark whose samples are videos read from files ({@link Videos}): the frames go in as one
 * video for a model family with video input ({@link ChatTemplate#applyVideo}), else as images, one
 * placeholder per frame (LLaVA-1.5).
 */
abstract class VideoBenchmark extends NamedBenchmark {
  VideoBenchmark(String name, DatasetLayout layout) {
    super(name, layout);
  }

  /** Without video files configured the sample fails, naming what is missing. */
  @Override
  public final Prompt toPrompt(Sample sample, ChatTemplate template) {
    return toPrompt(sample, template, Videos.NONE);
  }

  @Override
  public abstract Prompt toPrompt(Sample sample, ChatTemplate template, Videos videos);

  /** {@code question} with the video's {@code frames} in the family's template. */
  static Prompt prompt(
      String question, List<RgbImage> frames, ChatTemplate template, String source) {
    List<Visual> visuals = new ArrayList<>();
    for (RgbImage f : frames) {
      visuals.add(Visual.decoded(f));
    }
    String video = template.applyVideo(question);
    if (video == null) {
      return new Prompt(template.apply(question, visuals.size()), visuals, source);
    }
    return new Prompt(video, List.of(), List.of(visuals), source);
  }

  /** lmms-eval's generation length for its video tasks. */
  @Override
  public int maxNewTokens() {
    return 16;
  }
}
