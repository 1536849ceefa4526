package org.v2drop.core.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** What the decoder and the writer share of FFmpeg: its log level and its error strings. */
final class Ffmpeg {
  private Ffmpeg() {}

  static {
    av_log_set_level(AV_LOG_FATAL); // errors are reported by us, naming the file
  }

  /** Loads FFmpeg (once) with its own logging off. */
  static void init() {}

  /** FFmpeg's message for an error code. */
  static String error(int r) {
    byte[] buf = new byte[256];
    av_strerror(r, buf, buf.length);
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }
}
