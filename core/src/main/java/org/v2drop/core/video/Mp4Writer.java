package org.v2drop.core.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.v2drop.core.processor.RgbImage;

/**
 * Writes frames as an H.264 (yuv420p, OpenH264) mp4, as real video benchmarks ship them: for the
 * synthetic suite's videos and for tests. One thread, fixed settings: the same frames give the same
 * bytes.
 */
public final class Mp4Writer {
  private Mp4Writer() {}

  static {
    Ffmpeg.init();
  }

  /** Encodes {@code frames} (all of one even size) at {@code fps} into {@code file}. */
  public static void write(List<RgbImage> frames, int fps, Path file) throws IOException {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames to write to " + file);
    }
    int w = frames.get(0).width();
    int h = frames.get(0).height();
    if (w % 2 != 0 || h % 2 != 0) {
      throw new IllegalArgumentException(
          "H.264 4:2:0 needs an even frame size, found " + w + "x" + h + " for " + file);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String where = file.toString();
    AVFormatContext oc = new AVFormatContext(null);
    check(avformat_alloc_output_context2(oc, (AVOutputFormat) null, "mp4", where), where, "mp4");
    AVCodecContext ctx = null;
    AVFrame yuv = null;
    AVPacket pkt = null;
    SwsContext sws = null;
    AVFrame rgb = null;
    try {
      AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
      if (codec == null || codec.isNull()) {
        throw new IOException("no H.264 encoder (libopenh264) in this FFmpeg build");
      }
      AVStream st = avformat_new_stream(oc, codec);
      ctx = avcodec_alloc_context3(codec);
      ctx.width(w);
      ctx.height(h);
      ctx.pix_fmt(AV_PIX_FMT_YUV420P);
      AVRational tb = new AVRational().num(1).den(fps);
      ctx.time_base(tb);
      ctx.framerate(new AVRational().num(fps).den(1));
      ctx.gop_size(Math.max(1, 2 * fps));
      ctx.bit_rate(8_000_000L);
      ctx.thread_count(1);
      if ((oc.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
      }
      check(avcodec_open2(ctx, codec, (AVDictionary) null), where, "open the encoder");
      check(avcodec_parameters_from_context(st.codecpar(), ctx), where, "stream parameters");
      st.time_base(tb);
      AVIOContext pb = new AVIOContext(null);
      check(avio_open(pb, where, AVIO_FLAG_WRITE), where, "open for writing");
      oc.pb(pb);
      check(avformat_write_header(oc, (AVDictionary) null), where, "write the header");
      yuv = av_frame_alloc();
      yuv.format(AV_PIX_FMT_YUV420P);
      yuv.width(w);
      yuv.height(h);
      check(av_frame_get_buffer(yuv, 64), where, "frame buffer");
      rgb = av_frame_alloc();
      rgb.format(AV_PIX_FMT_RGB24);
      rgb.width(w);
      rgb.height(h);
      check(av_frame_get_buffer(rgb, 64), where, "frame buffer");
      sws =
          sws_getContext(
              w,
              h,
              AV_PIX_FMT_RGB24,
              w,
              h,
              AV_PIX_FMT_YUV420P,
              SWS_BICUBIC,
              null,
              null,
              (DoublePointer) null);
      pkt = av_packet_alloc();
      byte[] row = new byte[3 * w];
      for (int i = 0; i < frames.size(); i++) {
        RgbImage f = frames.get(i);
        if (f.width() != w || f.height() != h) {
          throw new IllegalArgumentException(
              where
                  + ": frame "
                  + i
                  + " is "
                  + f.width()
                  + "x"
                  + f.height()
                  + ", not "
                  + w
                  + "x"
                  + h);
        }
        int stride = rgb.linesize(0);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            row[3 * x] = (byte) f.at(0, y, x);
            row[3 * x + 1] = (byte) f.at(1, y, x);
            row[3 * x + 2] = (byte) f.at(2, y, x);
          }
          rgb.data(0).position((long) y * stride).put(row);
        }
        rgb.data(0).position(0);
        check(av_frame_make_writable(yuv), where, "frame buffer");
        sws_scale(sws, rgb.data(), rgb.linesize(), 0, h, yuv.data(), yuv.linesize());
        yuv.pts(i);
        check(avcodec_send_frame(ctx, yuv), where, "encode");
        drain(oc, ctx, st, pkt, where);
      }
      check(avcodec_send_frame(ctx, (AVFrame) null), where, "flush");
      drain(oc, ctx, st, pkt, where);
      check(av_write_trailer(oc), where, "write the trailer");
    } finally {
      if (sws != null) {
        sws_freeContext(sws);
      }
      if (pkt != null) {
        av_packet_free(pkt);
      }
      if (yuv != null) {
        av_frame_free(yuv);
      }
      if (rgb != null) {
        av_frame_free(rgb);
      }
      if (ctx != null) {
        avcodec_free_context(ctx);
      }
      if (oc.pb() != null && !oc.pb().isNull()) {
        avio_closep(oc.pb());
      }
      avformat_free_context(oc);
    }
  }

  private static void drain(
      AVFormatContext oc, AVCodecContext ctx, AVStream st, AVPacket pkt, String where)
      throws IOException {
    while (true) {
      int r = avcodec_receive_packet(ctx, pkt);
      if (r == AVERROR_EAGAIN() || r == AVERROR_EOF()) {
        return;
      }
      check(r, where, "encode");
      // every frame lasts one frame interval: a last packet without a duration falls outside the
      // mp4's edit list, and demuxers mark it to be discarded
      pkt.duration(1);
      av_packet_rescale_ts(pkt, ctx.time_base(), st.time_base());
      pkt.stream_index(st.index());
      int w = av_interleaved_write_frame(oc, pkt);
      av_packet_unref(pkt);
      check(w, where, "write a packet");
    }
  }

  private static void check(int r, String where, String what) throws IOException {
    if (r < 0) {
      throw new IOException(where + ": " + what + " failed (" + Ffmpeg.error(r) + ")");
    }
  }
}
