package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.MethodSpecException;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.testing.Checkpoints;
import org.v2drop.core.testing.Fixtures;
import org.v2drop.core.testing.SafetensorsWriter.Raw;

/**
 * Bad checkpoints and inputs end in clear exceptions naming what and where, never an abort or an
 * NPE.
 */
class BadInputIT {
  @TempDir Path tmp;

  private static final String Q = "language_model.model.layers.2.self_attn.q_proj.weight";

  @Test
  void missingTensorNamesTheWeightAndShape() throws Exception {
    Path dir = Checkpoints.copy("tiny-llava-a", tmp.resolve("a"));
    Checkpoints.rewrite(dir, t -> without(t, Q));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> LlavaEngine.load(dir, Device.cpu()));
    assertTrue(
        e.getMessage()
            .contains(
                "missing tensor for 'text.layers.2.self_attn.q_proj.weight' (expected shape "
                    + "[64, 64])"),
        e.getMessage());
  }

  @Test
  void misShapedTensorNamesFileKeyAndShapes() throws Exception {
    Path dir = Checkpoints.copy("tiny-llava-a", tmp.resolve("a"));
    Checkpoints.rewrite(
        dir,
        t -> {
          Raw q = t.get(Q);
          t.put(Q, new Raw(q.dtype(), new long[] {32, 128}, q.data()));
          return t;
        });
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> LlavaEngine.load(dir, Device.cpu()));
    assertTrue(
        e.getMessage()
            .contains(
                "model.safetensors: tensor '" + Q + "' has shape [32, 128], expected [64, 64]"),
        e.getMessage());
  }

  @Test
  void unsupportedDtypeIsNamed() throws Exception {
    Path dir = Checkpoints.copy("tiny-llava-a", tmp.resolve("a"));
    Checkpoints.rewrite(
        dir,
        t -> {
          Raw q = t.get(Q);
          t.put(Q, new Raw("I16", q.shape(), q.data()));
          return t;
        });
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> LlavaEngine.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("'" + Q + "' has dtype I16"), e.getMessage());
  }

  @Test
  void truncatedShardIsNamed() throws Exception {
    Path dir = Checkpoints.copy("tiny-llava-b", tmp.resolve("b"));
    Path shard = dir.resolve("model-00002-of-00003.safetensors");
    byte[] all = Files.readAllBytes(shard);
    Files.write(shard, java.util.Arrays.copyOf(all, all.length / 2));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> LlavaEngine.load(dir, Device.cpu()));
    assertTrue(e.getMessage().startsWith(shard.toString()), e.getMessage());
  }

  @Test
  void missingTokenizerAndProcessorAreNamed() throws Exception {
    Path dir = Checkpoints.copy("tiny-llava-a", tmp.resolve("a"));
    Files.delete(dir.resolve("tokenizer.json"));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> LlavaEngine.load(dir, Device.cpu()));
    assertTrue(e.getMessage().contains("tokenizer.json: tokenizer file not found"), e.getMessage());
    Files.delete(dir.resolve("preprocessor_config.json"));
    CheckpointException p =
        assertThrows(CheckpointException.class, () -> LlavaEngine.load(dir, Device.cpu()));
    assertTrue(p.getMessage().contains("no image processor config"), p.getMessage());
    CheckpointException none =
        assertThrows(
            CheckpointException.class,
            () -> LlavaEngine.load(tmp.resolve("nowhere"), Device.cpu()));
    assertTrue(none.getMessage().contains("checkpoint directory not found"), none.getMessage());
  }

  @Test
  void hubKeyLayoutLoadsToTheSameModel() throws Exception {
    Path dir = Checkpoints.copy("tiny-llava-a", tmp.resolve("hub"));
    Checkpoints.rewrite(
        dir,
        t -> {
          Map<String, Raw> out = new LinkedHashMap<>();
          t.forEach(
              (k, v) ->
                  out.put(
                      k.startsWith("vision_tower.")
                          ? "vision_tower.vision_model." + k.substring("vision_tower.".length())
                          : k,
                      v));
          out.put(
              "vision_tower.vision_model.embeddings.position_ids",
              new Raw("I64", new long[] {1}, new byte[8]));
          return out;
        });
    try (LlavaEngine hub = LlavaEngine.load(dir, Device.cpu())) {
      assertTrue(
          hub.model().unusedTensors().contains("vision_tower.vision_model.embeddings.position_ids"),
          "unused tensors are reported: " + hub.model().unusedTensors());
      Generation g = hub.generate(encode(hub, "tiny-llava-a"), MethodSpec.parse("vanilla"), 8);
      long[] expected =
          Fixtures.longs(
              Fixtures.json(Fixtures.dir("tiny-llava-a").resolve("reference.json"))
                  .get("hf_generated_ids"));
      assertArrayEquals(expected, g.tokens());
    }
  }

  @Test
  void inputMistakesAreClearErrors() throws Exception {
    try (LlavaEngine engine = LlavaEngine.load(Fixtures.dir("tiny-llava-a"), Device.cpu())) {
      RgbImage img =
          ImageDecoder.read(Fixtures.dir("tiny-llava-a").resolve("images/img0_45x31_RGB.png"));
      IllegalArgumentException count =
          assertThrows(
              IllegalArgumentException.class,
              () -> engine.encode("USER: <image>\n<image>\nhi ASSISTANT:", List.of(img), "s"));
      assertTrue(
          count.getMessage().contains("2 '<image>' placeholder(s) but 1 image(s)"),
          count.getMessage());
      EncodedInput good = encode(engine, "tiny-llava-a");
      long[] ids = good.inputIds().clone();
      ids[ids.length - 1] = engine.config().imageTokenId(); // one image token too many
      long[] vision = EncodedInput.positionsOf(ids, engine.config().imageTokenId());
      EncodedInput bad =
          new EncodedInput(
              ids, vision, good.pixelValues(), 1, good.imageHeight(), good.imageWidth(), "s");
      IllegalArgumentException mismatch =
          assertThrows(
              IllegalArgumentException.class,
              () -> engine.generate(bad, MethodSpec.parse("vanilla"), 2));
      assertTrue(
          mismatch.getMessage().contains("holds 17 vision tokens but its images give 16 features"),
          mismatch.getMessage());
      MethodSpecException layer =
          assertThrows(
              MethodSpecException.class,
              () -> engine.generate(good, MethodSpec.parse("v2drop@6:0.5"), 2));
      assertTrue(layer.getMessage().contains("layer 6 is out of range [1, 6)"), layer.getMessage());
      IllegalArgumentException corrupt =
          assertThrows(
              IllegalArgumentException.class,
              () -> ImageDecoder.read(Fixtures.dir("tiny-llava-a").resolve("config.json")));
      assertTrue(
          corrupt.getMessage().contains("config.json: not a decodable image"),
          corrupt.getMessage());
    }
  }

  static EncodedInput encode(LlavaEngine engine, String fixture) {
    var ref = Fixtures.json(Fixtures.dir(fixture).resolve("reference.json"));
    RgbImage img =
        ImageDecoder.read(Fixtures.dir(fixture).resolve(ref.get("images").get(0).asText()));
    return engine.encode(ref.get("prompt").asText(), List.of(img), "trace");
  }

  private static Map<String, Raw> without(Map<String, Raw> t, String key) {
    t.remove(key);
    return t;
  }

  /**
   * Qwen2-VL's bad inputs: placeholders that do not match the images or videos, an aspect ratio
   * over 200, video frames of two sizes, a checkpoint missing a vision weight; an image above
   * max_pixels is resized, not refused (ConformanceIT's first image).
   */
  @Test
  void qwenBadInputsAreNamed() throws Exception {
    try (Engine engine =
        org.v2drop.core.family.ModelFamilies.load(
            Fixtures.dir("tiny-qwen2vl"),
            Device.cpu(),
            org.v2drop.core.model.ComputeDType.FLOAT32,
            org.v2drop.core.family.ModelFamily.PlannedUse.typical(1, 1))) {
      RgbImage img = new RgbImage(40, 30, new byte[40 * 30 * 3]);
      String two = engine.chatTemplate().apply("hi", 2);
      IllegalArgumentException count =
          assertThrows(IllegalArgumentException.class, () -> engine.encode(two, List.of(img), "s"));
      assertTrue(
          count.getMessage().contains("2 '<|image_pad|>' placeholder(s) but 1 image(s)"),
          count.getMessage());
      String video = engine.chatTemplate().applyVideo("hi");
      IllegalArgumentException noVideo =
          assertThrows(IllegalArgumentException.class, () -> engine.encode(video, List.of(), "s"));
      assertTrue(
          noVideo.getMessage().contains("1 '<|video_pad|>' placeholder(s) but 0 video(s)"),
          noVideo.getMessage());
      RgbImage strip = new RgbImage(4020, 20, new byte[4020 * 20 * 3]);
      IllegalArgumentException ratio =
          assertThrows(
              IllegalArgumentException.class,
              () -> engine.encode(engine.chatTemplate().apply("hi", 1), List.of(strip), "s"));
      assertTrue(
          ratio.getMessage().contains("aspect ratio must be smaller than 200"), ratio.getMessage());
      RgbImage other = new RgbImage(30, 40, new byte[30 * 40 * 3]);
      IllegalArgumentException sizes =
          assertThrows(
              IllegalArgumentException.class,
              () -> engine.encode(video, List.of(), List.of(List.of(img, other)), "s"));
      assertTrue(
          sizes.getMessage().contains("video frame 1 is 30x40 but frame 0 is 40x30"),
          sizes.getMessage());
    }
    Path dir = Checkpoints.copy("tiny-qwen2vl", tmp.resolve("q"));
    Checkpoints.rewrite(dir, t -> without(t, "model.visual.blocks.1.attn.qkv.weight"));
    CheckpointException missing =
        assertThrows(
            CheckpointException.class,
            () ->
                org.v2drop.core.family.ModelFamilies.load(
                    dir,
                    Device.cpu(),
                    org.v2drop.core.model.ComputeDType.FLOAT32,
                    org.v2drop.core.family.ModelFamily.PlannedUse.typical(1, 1)));
    assertTrue(
        missing.getMessage().contains("missing tensor for 'visual.blocks.1.attn.qkv.weight'"),
        missing.getMessage());
  }
}
