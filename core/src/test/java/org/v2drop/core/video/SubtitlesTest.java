package org.v2drop.core.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** lmms-eval's subtitle selection for videomme_w_subtitle, worked out by hand from its code. */
class SubtitlesTest {
  static String font(String t) {
    return "<font color=\"white\" size=\".72c\">" + t + "</font>";
  }

  static byte[] srt(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void blocksCoveringASampledFrameInTimeOrder() {
    // 10 fps, 100 frames: the 32 sampled frames are 0, 3, 6, 9, ..., 99
    String s =
        "1\n00:00:00,000 --> 00:00:00,250\n"
            + font("first")
            + "\n\n2\n00:00:00,310 --> 00:00:00,390\n"
            + font("between samples")
            + "\n\n3\n00:00:02,000 --> 00:00:02,300\n[music]\n\n"
            + "4\n00:00:05,000 --> 00:00:06,000\n"
            + font("late")
            + " and more\n\n";
    // block 1 covers frames 0-1 (frame 0 sampled); block 2 only frame 3 ([3, 3) is empty: int(3.9)
    // = 3); block 3 has no font text; block 4 covers 50-59
    assertEquals("first\nlate", Subtitles.select(srt(s), 10, 100, "x.srt"));
  }

  @Test
  void windowsLineEndsDuplicateTimesAndMultiLineText() {
    String s =
        "1\r\n00:00:01,000 --> 00:00:02,000\r\n"
            + font("old")
            + "\r\n\r\n2\r\n00:00:01,000 --> 00:00:02,000\r\n"
            + font("new")
            + "\r\nsecond line\r\n";
    assertEquals(
        "new", Subtitles.select(srt(s), 25, 100, "x.srt"), "the same times: the last text");
  }

  @Test
  void malformedTimesNameTheFile() {
    VideoException e =
        assertThrows(
            VideoException.class,
            () -> Subtitles.select(srt("1\n00:00 --> x\ntext\n"), 25, 10, "data/v.srt"));
    assertEquals(true, e.getMessage().startsWith("data/v.srt: malformed subtitle time"));
  }

  @Test
  void linspaceIsNumpys() {
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3}, FrameSampling.linspace(4, 10));
    assertArrayEquals(new int[] {0, 33, 66, 99}, FrameSampling.linspace(100, 4));
  }
}
