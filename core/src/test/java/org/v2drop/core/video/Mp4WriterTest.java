package org.v2drop.core.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.processor.RgbImage;

/** H.264 mp4s written here decode back to their frames, and the same frames give the same bytes. */
class Mp4WriterTest {
  @Test
  void roundTripAndDeterminism(@TempDir Path tmp) throws IOException {
    List<RgbImage> frames = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      frames.add(VideoDecoderTest.codedFrame(i, 96, 64));
    }
    Path a = tmp.resolve("a.mp4");
    Path b = tmp.resolve("sub/b.mp4");
    Mp4Writer.write(frames, 2, a);
    Mp4Writer.write(frames, 2, b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same frames, same bytes");
    try (VideoDecoder d = VideoDecoder.open(a, "a.mp4")) {
      assertEquals("h264", d.codec());
      assertEquals(7, d.frameCount());
      List<RgbImage> back = d.frames(new int[] {0, 1, 2, 3, 4, 5, 6});
      for (int i = 0; i < 7; i++) {
        assertEquals(i, VideoDecoderTest.code(back.get(i)));
        double[] diff = VideoDecoderTest.difference(back.get(i), frames.get(i));
        // 4:2:0 chroma on a pattern whose colour changes every pixel, plus lossy coding: measured
        // 5.4 levels on average; the shapes suite's flat colours lose less
        assertTrue(diff[0] < 8, "frame " + i + ": " + diff[0] + " " + diff[1]);
      }
    }
  }

  @Test
  void oddSizesAreRefused(@TempDir Path tmp) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Mp4Writer.write(
                    List.of(VideoDecoderTest.codedFrame(0, 95, 64)), 2, tmp.resolve("x.mp4")));
    assertTrue(e.getMessage().contains("even frame size"), e.getMessage());
  }
}
