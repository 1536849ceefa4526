package org.v2drop.core.video;

import java.util.List;
import org.v2drop.core.processor.RgbImage;

/**
 * How one benchmark's videos are read for one model: where the files are and how many frames the
 * model sees of each (sampled as lmms-eval does, {@link FrameSampling#uniform}).
 *
 * @param library the benchmark's videos, or null when the benchmark has none configured
 * @param frames frames per video (0: every frame)
 */
public record Videos(VideoLibrary library, int frames) {
  /** No video files (image benchmarks). */
  public static final Videos NONE = new Videos(null, 0);

  public Videos {
    if (frames < 0) {
      throw new IllegalArgumentException("frames must be >= 0, found " + frames);
    }
  }

  /**
   * The sampled frames of the first of {@code names} the library holds, decoded; the local copy is
   * deleted before this returns. {@code what} names the sample in errors.
   */
  public List<RgbImage> read(List<String> names, String what) {
    if (library == null) {
      throw new VideoException(
          what
              + ": no videos location is configured for this benchmark (sweep: benchmarks[].videos)");
    }
    try (LocalVideo v = library.fetch(names, what);
        VideoDecoder d = VideoDecoder.open(v.path(), what + ": " + v.where())) {
      return d.frames(FrameSampling.uniform(d.frameCount(), frames));
    }
  }
}
