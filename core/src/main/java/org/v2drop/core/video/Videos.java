package org.v2drop.core.video;

import java.util.List;
import org.v2drop.core.processor.RgbImage;

/**
 * How one benchmark's videos are read for one model: where the files are, how many frames the model
 * sees of each (sampled as lmms-eval does, {@link FrameSampling#uniform}) and, for a task with
 * subtitles, where those are.
 *
 * @param library the benchmark's videos, or null when the benchmark has none configured
 * @param frames frames per video (0: every frame)
 * @param subtitles the benchmark's subtitle files, or null
 */
public record Videos(VideoLibrary library, int frames, VideoLibrary subtitles) {
  /** No video files (image benchmarks). */
  public static final Videos NONE = new Videos(null, 0);

  public Videos {
    if (frames < 0) {
      throw new IllegalArgumentException("frames must be >= 0, found " + frames);
    }
  }

  public Videos(VideoLibrary library, int frames) {
    this(library, frames, null);
  }

  /** A video's sampled frames and, when asked for, its subtitle text for the prompt. */
  public record Clip(List<RgbImage> frames, String subtitles) {}

  /**
   * The sampled frames of the first of {@code names} the library holds (a video file, or a folder
   * of frame images), decoded; a local copy is deleted before this returns. {@code what} names the
   * sample in errors.
   */
  public List<RgbImage> read(List<String> names, String what) {
    return clip(names, null, what).frames();
  }

  /**
   * {@link #read} and, with {@code srt} (a subtitle file's name), the subtitles lmms-eval's
   * with-subtitle prompt shows ({@link Subtitles}; {@link Subtitles#NONE} without a file).
   */
  public Clip clip(List<String> names, String srt, String what) {
    if (library == null) {
      throw new VideoException(
          what
              + ": no videos location is configured for this benchmark (sweep: benchmarks[].videos)");
    }
    for (String n : names) {
      List<String> folder = library.frameFolder(n);
      if (folder != null) {
        List<RgbImage> out = new java.util.ArrayList<>();
        for (int i : FrameSampling.uniform(folder.size(), frames)) {
          String f = folder.get(i);
          out.add(org.v2drop.core.processor.ImageDecoder.decode(library.read(f), what + ": " + f));
        }
        if (srt != null) {
          throw new VideoException(what + ": subtitles need a video file, not a folder of frames");
        }
        return new Clip(out, null);
      }
    }
    try (LocalVideo v = library.fetch(names, what);
        VideoDecoder d = VideoDecoder.open(v.path(), what + ": " + v.where())) {
      List<RgbImage> f = d.frames(FrameSampling.uniform(d.frameCount(), frames));
      return new Clip(
          f, srt == null ? null : subtitles(srt, d.openCvFps(), d.openCvFrameCount(), what));
    }
  }

  private String subtitles(String srt, double fps, long total, String what) {
    if (subtitles == null) {
      throw new VideoException(what + ": no subtitles location is configured for this benchmark");
    }
    byte[] bytes = subtitles.bytes(srt);
    return bytes == null ? Subtitles.NONE : Subtitles.select(bytes, fps, total, what + ": " + srt);
  }
}
