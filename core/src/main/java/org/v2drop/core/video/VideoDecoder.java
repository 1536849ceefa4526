package org.v2drop.core.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_frame_rate;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.v2drop.core.processor.RgbImage;

/**
 * Reads chosen frames of a video file with FFmpeg (JavaCPP's presets, natives in the jar), the way
 * decord's {@code VideoReader} does for lmms-eval: frame {@code i} is the {@code i}-th frame in
 * presentation order (the video stream's packet timestamps, sorted; the count is the number of
 * packets), reached by seeking to the key frame at or before it and decoding forward, never by
 * nearest key frame; pixels are converted to 8-bit RGB at the coded size (docs/video.md for the
 * measured agreement with decord).
 *
 * <p>Not thread-safe; one decoder per file, closed after use. Errors are {@link VideoException}s
 * naming the file.
 */
public final class VideoDecoder implements AutoCloseable {
  /** Larger frames are refused before anything is decoded (an absurd declared size). */
  public static final long MAX_PIXELS = 8192L * 8192L;

  static {
    Ffmpeg.init();
  }

  private final String where;
  private AVFormatContext format;
  private AVCodecContext codec;
  private final int stream;
  private final int width;
  private final int height;
  private final String codecName;
  private final long[] presentation; // pts of frame i, presentation order
  private final long[] keyframes; // pts of the key frames, sorted
  private AVPacket packet;
  private AVFrame frame;
  private AVFrame rgb;
  private SwsContext sws;
  private long position = Long.MAX_VALUE; // pts of the last decoded frame; MAX = must seek
  private boolean drained;

  private final int swsFlags;

  private VideoDecoder(Path file, String where, int swsFlags) {
    this.where = where;
    this.swsFlags = swsFlags;
    if (!Files.isRegularFile(file)) {
      throw new VideoException(where + ": no such video file");
    }
    try {
      if (Files.size(file) == 0) {
        throw new VideoException(where + ": empty file (0 bytes)");
      }
    } catch (java.io.IOException e) {
      throw new VideoException(where + ": cannot read: " + e.getMessage(), e);
    }
    format = new AVFormatContext(null);
    check(
        avformat_open_input(format, file.toString(), null, (AVDictionary) null),
        "not a readable video container");
    try {
      check(avformat_find_stream_info(format, (PointerPointer<?>) null), "no stream information");
      stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
      if (stream < 0) {
        throw new VideoException(where + ": no video stream (" + Ffmpeg.error(stream) + ")");
      }
      AVStream st = format.streams(stream);
      AVCodecParameters par = st.codecpar();
      codecName = avcodec_get_name(par.codec_id()).getString();
      width = par.width();
      height = par.height();
      if (width <= 0 || height <= 0 || (long) width * height > MAX_PIXELS) {
        throw new VideoException(
            where
                + ": refusing a "
                + width
                + "x"
                + height
                + " video stream (at most "
                + MAX_PIXELS
                + " pixels per frame)");
      }
      AVCodec decoder = avcodec_find_decoder(par.codec_id());
      if (decoder == null || decoder.isNull()) {
        throw new VideoException(where + ": no decoder for codec '" + codecName + "'");
      }
      codec = avcodec_alloc_context3(decoder);
      check(avcodec_parameters_to_context(codec, par), "bad codec parameters");
      codec.thread_count(Math.min(4, Runtime.getRuntime().availableProcessors()));
      check(avcodec_open2(codec, decoder, (PointerPointer<?>) null), "cannot open decoder");
      packet = av_packet_alloc();
      frame = av_frame_alloc();
      long[][] index = index();
      presentation = index[0];
      keyframes = index[1];
      if (presentation.length == 0) {
        throw new VideoException(where + ": the video stream has no frames");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Opens {@code file}; {@code where} names it in errors (e.g. the dataset path of the video). */
  public static VideoDecoder open(Path file, String where) {
    return new VideoDecoder(file, where, ColourConversion.SWS_FLAGS);
  }

  /**
   * With other swscale interpolation flags than decord's wheel (FFmpeg 4.1's scale filter:
   * bilinear); decord built on FFmpeg 5 or later converts with bicubic (docs/video.md).
   */
  static VideoDecoder open(Path file, String where, int swsFlags) {
    return new VideoDecoder(file, where, swsFlags);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public String codec() {
    return codecName;
  }

  /**
   * The frame rate OpenCV's FFmpeg capture reports ({@code CAP_PROP_FPS}: FFmpeg's guess from the
   * stream's rates, else one frame per time-base unit), as lmms-eval's subtitle selection reads it.
   */
  public double openCvFps() {
    AVStream st = format.streams(stream);
    AVRational r = av_guess_frame_rate(format, st, null);
    double fps = r.den() == 0 ? 0 : (double) r.num() / r.den();
    if (fps < 1e-6) {
      fps = (double) st.time_base().den() / st.time_base().num();
    }
    return fps;
  }

  /**
   * The frame count OpenCV reports ({@code CAP_PROP_FRAME_COUNT}): the stream's declared count,
   * else its duration × {@link #openCvFps}, rounded.
   */
  public long openCvFrameCount() {
    AVStream st = format.streams(stream);
    if (st.nb_frames() > 0) {
      return st.nb_frames();
    }
    double sec = (double) format.duration() / AV_TIME_BASE;
    if (sec < 1e-6) {
      sec = st.duration() * ((double) st.time_base().num() / st.time_base().den());
    }
    return (long) Math.floor(sec * openCvFps() + 0.5);
  }

  /** Frames in the video stream (decord's {@code len(vr)}). */
  public int frameCount() {
    return presentation.length;
  }

  /**
   * Demuxes the whole video stream once, without decoding: every packet's presentation timestamp
   * (decoding timestamp where it has none), sorted; and the key frames'.
   */
  private long[][] index() {
    long[] pts = new long[1024];
    long[] keys = new long[64];
    int n = 0;
    int k = 0;
    while (true) {
      int r = av_read_frame(format, packet);
      if (r == AVERROR_EOF() || r < 0) {
        break; // a truncated file ends its index where its data ends
      }
      try {
        if (packet.stream_index() != stream) {
          continue;
        }
        long t = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
        if (t == AV_NOPTS_VALUE) {
          continue;
        }
        if (n == pts.length) {
          pts = Arrays.copyOf(pts, 2 * n);
        }
        pts[n++] = t;
        if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
          if (k == keys.length) {
            keys = Arrays.copyOf(keys, 2 * k);
          }
          keys[k++] = t;
        }
      } finally {
        av_packet_unref(packet);
      }
    }
    long[] p = Arrays.copyOf(pts, n);
    long[] kf = Arrays.copyOf(keys, k);
    Arrays.sort(p);
    Arrays.sort(kf);
    return new long[][] {p, kf};
  }

  /**
   * The frames at {@code indices} (any order, repeats allowed), as RGB; at most one decoded frame
   * besides the returned ones is held at a time.
   */
  public List<RgbImage> frames(int[] indices) {
    Integer[] order = new Integer[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int f = indices[i];
      if (f < 0 || f >= presentation.length) {
        throw new VideoException(
            where + ": frame " + f + " requested, the video has " + presentation.length);
      }
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(indices[a], indices[b]));
    RgbImage[] out = new RgbImage[indices.length];
    RgbImage last = null;
    int lastIndex = -1;
    for (int o : order) {
      int f = indices[o];
      if (f != lastIndex) {
        last = frameAt(f);
        lastIndex = f;
      }
      out[o] = last;
    }
    return new ArrayList<>(Arrays.asList(out));
  }

  /**
   * Decodes frame {@code f}: seeks to its key frame unless decoding forward gets there. A seek that
   * lands past the frame (a demuxer seeking by decode time) is retried from the key frame before,
   * down to the start of the stream.
   */
  private RgbImage frameAt(int f) {
    long target = presentation[f];
    long key = keyframeAtOrBefore(target);
    boolean seeked = false;
    if (position == Long.MAX_VALUE || position >= target || position < key) {
      seek(key);
      seeked = true;
    }
    while (true) {
      if (!nextFrame()) {
        throw new VideoException(
            where
                + ": frame "
                + f
                + " of "
                + presentation.length
                + " could not be decoded (the file ends or is damaged before it)");
      }
      long t = frame.best_effort_timestamp();
      if (seeked && t != AV_NOPTS_VALUE && t > target && key > presentation[0]) {
        av_frame_unref(frame);
        key = keyframeAtOrBefore(key - 1);
        seek(key);
        continue;
      }
      seeked = false;
      position = t;
      if (t == target || (t > target && t != AV_NOPTS_VALUE)) {
        RgbImage img = toRgb();
        av_frame_unref(frame);
        return img;
      }
      av_frame_unref(frame);
    }
  }

  private long keyframeAtOrBefore(long target) {
    int i = Arrays.binarySearch(keyframes, target);
    if (i >= 0) {
      return keyframes[i];
    }
    int ins = -i - 1;
    return ins == 0 ? presentation[0] : keyframes[ins - 1];
  }

  private void seek(long pts) {
    check(
        av_seek_frame(
            format, stream, pts, org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD),
        "seek failed");
    avcodec_flush_buffers(codec);
    drained = false;
    position = Long.MIN_VALUE;
  }

  /** The next decoded frame into {@link #frame}; false at the end of the stream. */
  private boolean nextFrame() {
    while (true) {
      int r = avcodec_receive_frame(codec, frame);
      if (r >= 0) {
        return true;
      }
      if (r == AVERROR_EOF()) {
        return false;
      }
      if (r != AVERROR_EAGAIN()) {
        throw new VideoException(where + ": decoding failed (" + Ffmpeg.error(r) + ")");
      }
      if (drained) {
        return false;
      }
      int read = av_read_frame(format, packet);
      if (read < 0) {
        drained = true;
        avcodec_send_packet(codec, (AVPacket) null); // flush the decoder's delayed frames
        continue;
      }
      try {
        if (packet.stream_index() == stream) {
          int s = avcodec_send_packet(codec, packet);
          if (s < 0 && s != AVERROR_EAGAIN()) {
            // a damaged packet: skip it, as decoders conceal; later frames may still decode
          }
        }
      } finally {
        av_packet_unref(packet);
      }
    }
  }

  /** The decoded frame as channels-first RGB (swscale, bicubic as FFmpeg's scale filter). */
  private RgbImage toRgb() {
    int w = frame.width();
    int h = frame.height();
    if (w != width || h != height) {
      throw new VideoException(
          where
              + ": frame size changes mid-stream ("
              + width
              + "x"
              + height
              + " to "
              + w
              + "x"
              + h
              + ")");
    }
    sws =
        sws_getCachedContext(
            sws,
            w,
            h,
            frame.format(),
            w,
            h,
            AV_PIX_FMT_RGB24,
            swsFlags,
            null,
            null,
            (DoublePointer) null);
    if (sws == null || sws.isNull()) {
      throw new VideoException(
          where + ": cannot convert pixel format " + frame.format() + " to RGB");
    }
    ColourConversion.apply(sws, frame);
    if (rgb == null) {
      rgb = av_frame_alloc();
      rgb.format(AV_PIX_FMT_RGB24);
      rgb.width(w);
      rgb.height(h);
      // padded rows: swscale's SIMD converters write whole groups of 8 pixels per row
      check(av_frame_get_buffer(rgb, 64), "out of memory for an RGB frame");
    }
    sws_scale(sws, frame.data(), frame.linesize(), 0, h, rgb.data(), rgb.linesize());
    byte[] row = new byte[3 * w];
    byte[] planar = new byte[3 * w * h];
    int stride = rgb.linesize(0);
    int plane = w * h;
    for (int y = 0; y < h; y++) {
      rgb.data(0).position((long) y * stride).get(row);
      int base = y * w;
      for (int x = 0; x < w; x++) {
        planar[base + x] = row[3 * x];
        planar[plane + base + x] = row[3 * x + 1];
        planar[2 * plane + base + x] = row[3 * x + 2];
      }
    }
    rgb.data(0).position(0);
    return new RgbImage(w, h, planar);
  }

  private void check(int r, String what) {
    if (r < 0) {
      throw new VideoException(where + ": " + what + " (" + Ffmpeg.error(r) + ")");
    }
  }

  @Override
  public void close() {
    if (sws != null) {
      sws_freeContext(sws);
      sws = null;
    }
    if (rgb != null) {
      av_frame_free(rgb);
      rgb = null;
    }
    if (frame != null) {
      av_frame_free(frame);
      frame = null;
    }
    if (packet != null) {
      av_packet_free(packet);
      packet = null;
    }
    if (codec != null) {
      avcodec_free_context(codec);
      codec = null;
    }
    if (format != null) {
      avformat_close_input(format);
      format = null;
    }
  }
}
