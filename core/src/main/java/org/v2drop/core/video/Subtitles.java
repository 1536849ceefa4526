package org.v2drop.core.video;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Video-MME's subtitles as lmms-eval's {@code videomme_w_subtitle} picks them: the {@code .srt}
 * blocks (a block per blank-line-separated section of at least three lines; one block per distinct
 * (start, end), the last text winning) that cover one of {@value #FRAMES} frames sampled uniformly
 * over the video's frames (frame numbers from the times at the video's frame rate, truncated), each
 * block's first {@code <font color="white" size=".72c">} text, one per line.
 */
public final class Subtitles {
  /** lmms-eval's {@code frame_num} for the subtitle selection, whatever frames the model sees. */
  public static final int FRAMES = 32;

  /** The prompt's text when the video has no subtitle file. */
  public static final String NONE = "No subtitles available";

  private static final Pattern FONT =
      Pattern.compile("<font color=\"white\" size=\".72c\">(.*?)</font>");

  private Subtitles() {}

  private record Block(double start, double end, String text) {}

  /**
   * The subtitle text for the prompt.
   *
   * @param fps the video's frame rate as OpenCV reports it ({@link VideoDecoder#openCvFps})
   * @param totalFrames its frame count as OpenCV reports it ({@link VideoDecoder#openCvFrameCount})
   */
  public static String select(byte[] srt, double fps, long totalFrames, String where) {
    List<Block> blocks = parse(new String(srt, StandardCharsets.UTF_8), where);
    int[] sampled = FrameSampling.linspace(totalFrames, FRAMES);
    TreeSet<Integer> chosen = new TreeSet<>(); // lmms-eval: list(set(...)); here in time order
    for (int f : sampled) {
      for (int i = 0; i < blocks.size(); i++) {
        Block b = blocks.get(i);
        if (f < (int) (b.end() * fps) && f >= (int) (b.start() * fps)) {
          chosen.add(i);
        }
      }
    }
    List<String> lines = new ArrayList<>();
    for (int i : chosen) {
      Matcher m = FONT.matcher(blocks.get(i).text());
      if (m.find()) {
        lines.add(m.group(1));
      }
    }
    return String.join("\n", lines);
  }

  private static List<Block> parse(String text, String where) {
    String t = text.replace("\r\n", "\n").replace('\r', '\n'); // Python's universal newlines
    Map<List<Double>, String> byTime = new LinkedHashMap<>();
    for (String section : t.split("\n\n", -1)) {
      if (section.strip().isEmpty()) {
        continue;
      }
      String[] lines = section.split("\n", -1);
      if (lines.length < 3) {
        continue;
      }
      String[] range = lines[1].split(" --> ", -1);
      if (range.length < 2) {
        throw new VideoException(where + ": malformed subtitle time line '" + lines[1] + "'");
      }
      double start = time(range[0], where);
      double end = time(range[1], where);
      byTime.put(
          List.of(start, end),
          String.join(" ", java.util.Arrays.asList(lines).subList(2, lines.length)));
    }
    List<Block> out = new ArrayList<>();
    byTime.forEach((k, v) -> out.add(new Block(k.get(0), k.get(1), v)));
    return out;
  }

  /** {@code H:M:S,ms} in seconds (lmms-eval's {@code parse_subtitle_time}). */
  private static double time(String s, String where) {
    try {
      String[] hms = s.split(":", -1);
      String[] sms = hms[2].split(",", -1);
      return Integer.parseInt(hms[0].strip()) * 3600
          + Integer.parseInt(hms[1].strip()) * 60
          + Integer.parseInt(sms[0].strip())
          + Integer.parseInt(sms[1].strip()) / 1000.0;
    } catch (RuntimeException e) {
      throw new VideoException(where + ": malformed subtitle time '" + s + "'", e);
    }
  }
}
