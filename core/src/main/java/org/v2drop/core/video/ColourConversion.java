package org.v2drop.core.video;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT470BG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_YCGCO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ411P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.IntPointer;

/**
 * How decoded pixels become RGB, as decord's filter graph ({@code scale=W:H} into an RGB24 sink)
 * does with the FFmpeg 4.1 defaults its PyPI wheels are built on: bilinear (which only matters for
 * odd heights; same-size 4:2:0 at even heights takes swscale's unscaled converter; decord built on
 * FFmpeg 5 or later gets bicubic, the scale filter's newer default, with which these conversions
 * equal that decord's bit for bit, VideoDecoderTest), no accurate rounding, and the input matrix
 * chosen per frame from its colour-space tag ({@code in_color_matrix=auto}: the tagged matrix,
 * BT.601 when untagged), its range from the frame's range tag.
 */
final class ColourConversion {
  private ColourConversion() {}

  static final int SWS_FLAGS = SWS_BILINEAR;

  /** Sets {@code sws}'s input matrix and range from {@code frame}'s tags. */
  static void apply(SwsContext sws, AVFrame frame) {
    int cs = frame.colorspace();
    int matrix = cs >= 1 && cs <= 10 && cs != AVCOL_SPC_YCGCO ? cs : AVCOL_SPC_BT470BG;
    int range = frame.color_range();
    int srcFull =
        range == AVCOL_RANGE_JPEG ? 1 : range == AVCOL_RANGE_MPEG ? 0 : fullRangeFormat(frame);
    IntPointer table = sws_getCoefficients(matrix);
    sws_setColorspaceDetails(sws, table, srcFull, table, 0, 0, 1 << 16, 1 << 16);
  }

  private static int fullRangeFormat(AVFrame frame) {
    int f = frame.format();
    return f == AV_PIX_FMT_YUVJ420P
            || f == AV_PIX_FMT_YUVJ422P
            || f == AV_PIX_FMT_YUVJ444P
            || f == AV_PIX_FMT_YUVJ440P
            || f == AV_PIX_FMT_YUVJ411P
        ? 1
        : 0;
  }
}
