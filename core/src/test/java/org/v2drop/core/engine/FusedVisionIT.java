package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.testing.Checkpoints;
import org.v2drop.core.testing.Fixtures;

/**
 * The fused vision tower and projector (one TorchScript call) against the readable DJL calls it was
 * written from: the same projected features, bit for bit, for a batch of two image prompts and a
 * text-only one, on both fixtures (feature layer -2 with the class token dropped; -1 with "full"),
 * in float32 and float16, and with each activation the tower and projector accept (the config's
 * names edited on a copy of a fixture, the weights unchanged) and without projector biases.
 */
class FusedVisionIT {
  @TempDir Path tmp;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (ComputeDType dtype : ComputeDType.values()) {
      for (String f : ConformanceIT.LLAVA_FIXTURES) {
        out.add(Arguments.of(f, null, null, true, dtype));
      }
      out.add(Arguments.of("tiny-llava-a", "gelu_pytorch_tanh", "silu", true, dtype));
      out.add(Arguments.of("tiny-llava-a", "relu", "gelu_new", true, dtype));
      out.add(Arguments.of("tiny-llava-b", "silu", "quick_gelu", false, dtype));
      out.add(Arguments.of("tiny-llava-b", "gelu_new", "relu", true, dtype));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} tower {1} projector {2} bias {3} {4}")
  @MethodSource("cases")
  void fusedTowerGivesTheReadableTowersFeatures(
      String fixture, String towerAct, String projectorAct, boolean bias, ComputeDType dtype)
      throws Exception {
    Path dir = Fixtures.dir(fixture);
    if (towerAct != null || !bias) {
      dir = Checkpoints.copy(fixture, tmp.resolve("copy"));
      ObjectMapper json = new ObjectMapper();
      ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
      if (towerAct != null) {
        ((ObjectNode) config.get("vision_config")).put("hidden_act", towerAct);
        config.put("projector_hidden_act", projectorAct);
      }
      config.put("multimodal_projector_bias", bias);
      Files.writeString(dir.resolve("config.json"), json.writeValueAsString(config));
    }
    JsonNode ref = ConformanceIT.reference(fixture);
    List<RgbImage> images = new ArrayList<>();
    for (JsonNode f : ref.get("images")) {
      images.add(ImageDecoder.read(Fixtures.dir(fixture).resolve(f.asText())));
    }
    try (LlavaEngine engine = LlavaEngine.load(dir, Device.cpu(), dtype)) {
      VlModel model = engine.model();
      EncodedInput first = engine.encode(ref.get("prompt").asText(), images, "first");
      EncodedInput text = engine.encode("USER: Say hello. ASSISTANT:", List.of(), "text");
      List<RgbImage> reversed = new ArrayList<>(images);
      java.util.Collections.reverse(reversed);
      EncodedInput second = engine.encode(ref.get("prompt").asText(), reversed, "second");
      List<EncodedInput> batch = List.of(first, text, second);
      try (NDManager m = model.newGenerationManager()) {
        NDArray[] readable = model.imageFeatures(m, batch, false);
        NDArray[] fused = model.imageFeatures(m, batch, true);
        assertNull(fused[1], "a text-only prompt has no features");
        for (int s : new int[] {0, 2}) {
          assertEquals(readable[s].getShape(), fused[s].getShape(), "sample " + s + " shape");
          assertEquals(dtype.dataType(), fused[s].getDataType(), "sample " + s + " type");
          assertArrayEquals(
              floats(readable[s]), floats(fused[s]), "sample " + s + ": features, bit for bit");
        }
      }
    }
  }

  private static float[] floats(NDArray x) {
    return x.toType(DataType.FLOAT32, false).toFloatArray();
  }
}
