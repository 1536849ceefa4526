package org.v2drop.core.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;

class ImageProcessorTest {
  private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  static ImageProcessorConfig config(int shortest, int crop, boolean pad) {
    return new ImageProcessorConfig(
        true,
        shortest,
        0,
        0,
        true,
        crop,
        crop,
        true,
        1.0 / 255,
        true,
        CLIP_MEAN,
        new float[] {0.26862954f, 0.26130258f, 0.27577711f},
        pad,
        14,
        1,
        "<image>");
  }

  @Test
  void resizeTargetFollowsTransformers() {
    ImageProcessor p = new ImageProcessor(config(336, 336, false));
    assertArrayEquals(new int[] {336, 487}, p.resizeTarget(31, 45)); // int(336 * 45 / 31) = 487
    assertArrayEquals(new int[] {540, 336}, p.resizeTarget(37, 23));
    assertArrayEquals(new int[] {336, 336}, p.resizeTarget(20, 20));
  }

  @Test
  void padsWithTruncatedMeanColourCentered() {
    RgbImage img = new RgbImage(2, 1, new byte[] {10, 11, 20, 21, 30, 31});
    RgbImage sq = ImageProcessor.padToSquare(img, CLIP_MEAN);
    assertEquals(2, sq.width());
    assertEquals(2, sq.height());
    // (max - h) // 2 = 0 rows on top: the image row stays at y = 0, padding below
    assertEquals(10, sq.at(0, 0, 0));
    assertEquals(122, sq.at(0, 1, 0)); // int(0.48145466 * 255) = 122
    assertEquals(116, sq.at(1, 1, 1));
    assertEquals(104, sq.at(2, 1, 0));
  }

  @Test
  void centerCropUsesFloorOffsets() {
    byte[] px = new byte[3 * 5 * 4];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) i;
    }
    RgbImage img = new RgbImage(5, 4, px);
    RgbImage c = ImageProcessor.centerCrop(img, 2, 2);
    // top = (4-2)//2 = 1, left = (5-2)//2 = 1
    assertEquals(img.at(0, 1, 1), c.at(0, 0, 0));
    assertEquals(img.at(2, 2, 2), c.at(2, 1, 1));
    RgbImage grown = ImageProcessor.centerCrop(new RgbImage(1, 1, new byte[] {9, 9, 9}), 3, 3);
    assertEquals(9, grown.at(0, 1, 1));
    assertEquals(0, grown.at(0, 0, 0));
  }

  static ImageProcessorConfig plain(boolean rescale, boolean normalize) {
    return new ImageProcessorConfig(
        false,
        0,
        0,
        0,
        false,
        2,
        2,
        rescale,
        1.0 / 255,
        normalize,
        CLIP_MEAN,
        new float[] {0.26862954f, 0.26130258f, 0.27577711f},
        false,
        14,
        0,
        "<image>");
  }

  @Test
  void preprocessRescalesThenNormalizesEachChannelInChwOrder() {
    byte[] px = {0, 51, (byte) 102, (byte) 255, 10, 20, 30, 40, (byte) 200, 1, 2, 3};
    RgbImage img = new RgbImage(2, 2, px);
    float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
    float[] got = new ImageProcessor(plain(true, true)).preprocess(img);
    assertEquals(12, got.length);
    for (int i = 0; i < 12; i++) {
      int ch = i / 4;
      float v = (float) ((px[i] & 0xFF) * (1.0 / 255)); // HF: float64 multiply, then float32
      assertEquals((v - CLIP_MEAN[ch]) / std[ch], got[i], 0f, "value " + i);
    }
    float[] rescaled = new ImageProcessor(plain(true, false)).preprocess(img);
    assertEquals((float) (255 * (1.0 / 255)), rescaled[3], 0f);
    assertEquals((float) (200 * (1.0 / 255)), rescaled[8], 0f);
    float[] raw = new ImageProcessor(plain(false, false)).preprocess(img);
    assertEquals(255f, raw[3], 0f);
    assertEquals(1f, raw[9], 0f);
  }

  @Test
  void preprocessPadsResizesAndCropsInHfsOrder() {
    RgbImage wide = new RgbImage(4, 2, new byte[3 * 8]);
    ImageProcessor p = new ImageProcessor(config(6, 4, true));
    float[] out = p.preprocess(wide);
    assertEquals(3 * 4 * 4, out.length, "padded to 4x4, resized to 6x6, cropped to 4x4");
    ImageProcessorConfig fixed =
        new ImageProcessorConfig(
            true,
            0,
            3,
            5,
            false,
            3,
            5,
            true,
            1.0 / 255,
            true,
            CLIP_MEAN,
            new float[] {0.26862954f, 0.26130258f, 0.27577711f},
            false,
            14,
            0,
            "<image>");
    ImageProcessor f = new ImageProcessor(fixed);
    assertArrayEquals(new int[] {3, 5}, f.resizeTarget(40, 7), "a fixed size ignores the input");
    assertEquals(3 * 3 * 5, f.preprocess(wide).length);
    assertArrayEquals(
        new int[] {336, 336},
        new ImageProcessor(config(336, 336, false)).resizeTarget(10, 10),
        "square stays square");
    assertArrayEquals(
        new int[] {10, 12},
        new ImageProcessor(config(10, 10, false)).resizeTarget(5, 6),
        "width longer");
  }

  @Test
  void padsTallImagesOnBothSidesAndLeavesSquaresAlone() {
    RgbImage tall = new RgbImage(1, 3, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    RgbImage sq = ImageProcessor.padToSquare(tall, CLIP_MEAN);
    assertEquals(3, sq.width());
    assertEquals(3, sq.height());
    for (int y = 0; y < 3; y++) {
      assertEquals(122, sq.at(0, y, 0), "left column padding");
      assertEquals(1 + y, sq.at(0, y, 1), "the image in the middle column");
      assertEquals(122, sq.at(0, y, 2), "right column padding");
      assertEquals(7 + y, sq.at(2, y, 1));
    }
    RgbImage square = new RgbImage(1, 1, new byte[] {1, 2, 3});
    assertSame(square, ImageProcessor.padToSquare(square, CLIP_MEAN));
  }

  @Test
  void centerCropOfAnOddMarginAndOfALargerTarget() {
    byte[] px = new byte[3 * 4 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i + 1);
    }
    RgbImage img = new RgbImage(4, 3, px); // width 4, height 3
    RgbImage c = ImageProcessor.centerCrop(img, 2, 1); // top = 1 // 2 = 0, left = 3 // 2 = 1
    assertEquals(1, c.width());
    assertEquals(2, c.height());
    assertEquals(img.at(1, 0, 1), c.at(1, 0, 0));
    assertEquals(img.at(1, 1, 1), c.at(1, 1, 0));
    RgbImage big =
        ImageProcessor.centerCrop(img, 5, 6); // pads: top (5-3+1)//2 = 1, left (6-4+1)//2 = 1
    assertEquals(0, big.at(0, 0, 0));
    assertEquals(img.at(0, 0, 0), big.at(0, 1, 1));
    assertEquals(img.at(2, 2, 3), big.at(2, 3, 4));
    assertEquals(0, big.at(2, 4, 5));
    assertEquals(0, big.at(0, 1, 5));
  }

  @Test
  void decodesGreyAndRgbaLikePilConvertRgb() throws Exception {
    BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 1, 0, 77);
    RgbImage g = ImageDecoder.decode(png(grey), "grey.png");
    assertEquals(77, g.at(0, 1, 1));
    assertEquals(77, g.at(2, 1, 1));
    BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x10_20_30_40); // alpha 0x10 is dropped, not composited
    RgbImage a = ImageDecoder.decode(png(rgba), "rgba.png");
    assertEquals(0x20, a.at(0, 0, 0));
    assertEquals(0x30, a.at(1, 0, 0));
    assertEquals(0x40, a.at(2, 0, 0));
  }

  @Test
  void corruptImagesNameTheirSource() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ImageDecoder.decode(
                    new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}, "row 7 image"));
    assertTrue(e.getMessage().startsWith("row 7 image: "), e.getMessage());
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class, () -> ImageDecoder.decode(new byte[0], "empty.png"));
    assertTrue(e2.getMessage().contains("empty.png"), e2.getMessage());
  }

  @Test
  void loadsFlatAndNestedConfigs(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("processor_config.json"),
        """
        {"image_processor": {"size": {"shortest_edge": 35}, "crop_size": {"height": 35, "width": 35},
          "do_pad": true, "resample": 3},
         "patch_size": 7, "num_additional_image_tokens": 1, "vision_feature_select_strategy": "full"}""");
    ImageProcessorConfig nested = ImageProcessorConfig.load(dir);
    assertTrue(nested.doPad());
    assertEquals(35, nested.shortestEdge());
    assertEquals(26, nested.imageTokens(7, "full"));
    assertEquals(25, nested.imageTokens(7, "default"));
    Files.writeString(
        dir.resolve("preprocessor_config.json"),
        """
        {"size": {"shortest_edge": 336}, "crop_size": 336, "resample": 2}""");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ImageProcessorConfig.load(dir));
    assertTrue(e.getMessage().contains("resample 2 is not supported"), e.getMessage());
    Files.writeString(dir.resolve("preprocessor_config.json"), "{\"size\": ");
    CheckpointException bad =
        assertThrows(CheckpointException.class, () -> ImageProcessorConfig.load(dir));
    assertTrue(
        bad.getMessage().contains("preprocessor_config.json: malformed JSON"), bad.getMessage());
  }

  private static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
