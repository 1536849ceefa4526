package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.Generator;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.testing.Fixtures;

/**
 * The fused decoder layer (one TorchScript call) against the readable one it was written from, on
 * every fixture (LLaVA's Llama with 1-D RoPE, Qwen2 with q/k/v biases and M-RoPE), every method,
 * float32 and float16, alone and in a ragged batch: the same ids, kept positions and vision tokens
 * per layer, and top-5 logits equal to the last bit.
 */
class FusedDecoderIT {
  private static final java.util.Map<String, ModelEngine> ENGINES = new java.util.HashMap<>();

  @org.junit.jupiter.api.AfterAll
  static void close() {
    ENGINES.values().forEach(ModelEngine::close);
    ENGINES.clear();
  }

  static ModelEngine engine(String fixture, ComputeDType dtype) {
    return ENGINES.computeIfAbsent(
        fixture + " " + dtype, k -> (ModelEngine) ConformanceIT.load(fixture, dtype));
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String f : ConformanceIT.FIXTURES) {
      ConformanceIT.reference(f)
          .get("methods")
          .fieldNames()
          .forEachRemaining(
              m -> {
                out.add(Arguments.of(f, m, ComputeDType.FLOAT32));
                out.add(Arguments.of(f, m, ComputeDType.FLOAT16));
              });
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void fusedLayersGiveTheReadableLayersResults(String fixture, String method, ComputeDType dtype) {
    {
      ModelEngine engine = engine(fixture, dtype);
      VlModel model = engine.model();
      JsonNode ref = ConformanceIT.reference(fixture);
      List<RgbImage> images = new ArrayList<>();
      for (JsonNode f : ref.get("images")) {
        images.add(ImageDecoder.read(Fixtures.dir(fixture).resolve(f.asText())));
      }
      EncodedInput input =
          engine.encode(
              ref.get("prompt").asText(),
              images,
              ConformanceIT.videos(fixture, ref),
              ref.get("sample_id").asText());
      EncodedInput text =
          engine.encode(engine.chatTemplate().apply("Say hello.", 0), List.of(), "short");
      MethodSpec spec = MethodSpec.parse(method);
      int maxNew = ref.get("max_new_tokens").asInt();
      Generator readable = new Generator(model, false);
      Generator fused = new Generator(model, true);
      assertSame(
          fixture + " " + method + " " + dtype,
          readable.generate(input, spec, maxNew),
          fused.generate(input, spec, maxNew));
      List<Generation> a = readable.generate(List.of(input, text), spec, maxNew, true);
      List<Generation> b = fused.generate(List.of(input, text), spec, maxNew, true);
      for (int i = 0; i < a.size(); i++) {
        assertSame(fixture + " " + method + " " + dtype + " batch sample " + i, a.get(i), b.get(i));
      }
    }
  }

  private static void assertSame(String name, Generation expected, Generation actual) {
    assertArrayEquals(expected.tokens(), actual.tokens(), name + ": tokens");
    assertEquals(expected.stages().size(), actual.stages().size(), name + ": drops");
    for (int s = 0; s < expected.stages().size(); s++) {
      assertArrayEquals(
          expected.stages().get(s).keptPositions(),
          actual.stages().get(s).keptPositions(),
          name + ": kept positions at drop " + s);
    }
    assertArrayEquals(
        expected.visionTokensPerLayer(), actual.visionTokensPerLayer(), name + ": vision tokens");
    assertArrayEquals(
        expected.lastLogitsTop5().ids(), actual.lastLogitsTop5().ids(), name + ": top-5 ids");
    assertArrayEquals(
        expected.lastLogitsTop5().values(),
        actual.lastLogitsTop5().values(),
        name + ": top-5 logits, bit for bit");
  }
}
