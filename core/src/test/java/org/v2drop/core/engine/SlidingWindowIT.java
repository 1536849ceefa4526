package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.Generator;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.testing.Checkpoints;
import org.v2drop.core.testing.Fixtures;

/**
 * A sliding window narrower than the decode: the Mistral fixture's checkpoint with {@code
 * sliding_window} 6 (reference-window.json, written by HF with that config), generating 12 tokens,
 * so decode queries see neither the start of their prompt nor, after 6 steps, their first generated
 * tokens. Vanilla is HF's own forward and generate; V²Drop the dropping reference on the same
 * window. Each alone and as the middle sample of a ragged batch (whose padding sits between a
 * sequence's prompt and decode columns), readable and fused. ConformanceIT covers the fixture's own
 * window (100, shorter than its 115-token prompt) for every method.
 */
class SlidingWindowIT {
  private static final String FIXTURE = "tiny-llava-next-b";
  private static Engine engine;
  private static JsonNode ref;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    ref = Fixtures.json(Fixtures.dir(FIXTURE).resolve("reference-window.json"));
    Path copy = Checkpoints.copy(FIXTURE, dir.resolve("narrow"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(copy.resolve("config.json").toFile());
    ((ObjectNode) config.get("text_config"))
        .put("sliding_window", ref.get("sliding_window").asInt());
    json.writeValue(copy.resolve("config.json").toFile(), config);
    engine =
        ModelFamilies.load(
            copy, Device.cpu(), ComputeDType.FLOAT32, ModelFamily.PlannedUse.typical(3, 3));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    Iterator<String> methods =
        Fixtures.json(Fixtures.dir(FIXTURE).resolve("reference-window.json"))
            .get("methods")
            .fieldNames();
    methods.forEachRemaining(
        m -> {
          for (boolean fused : new boolean[] {true, false}) {
            out.add(Arguments.of(m, fused, false));
            out.add(Arguments.of(m, fused, true));
          }
        });
    return out.stream();
  }

  @ParameterizedTest(name = "{0} fused={1} batched={2}")
  @MethodSource("cases")
  void decodingPastTheWindowMatchesTheReference(String method, boolean fused, boolean batched) {
    int window = ref.get("sliding_window").asInt();
    int maxNew = ref.get("max_new_tokens").asInt();
    assertTrue(maxNew > window, "the decode outgrows the window");
    List<RgbImage> images = new ArrayList<>();
    for (JsonNode f : ref.get("images")) {
      images.add(ImageDecoder.read(Fixtures.dir(FIXTURE).resolve(f.asText())));
    }
    EncodedInput input =
        engine.encode(ref.get("prompt").asText(), images, ref.get("sample_id").asText());
    MethodSpec spec = MethodSpec.parse(method);
    Generator generator = new Generator(((ModelEngine) engine).model(), fused);
    Generation gen =
        batched
            ? generator
                .generate(ConformanceIT.raggedBatch(engine, input), spec, maxNew, true)
                .get(1)
            : generator.generate(input, spec, maxNew);
    String name = method + (fused ? " fused" : " readable") + (batched ? " batched" : "");
    JsonNode m = ref.get("methods").get(method);
    ConformanceIT.assertMatchesReference(name, m, spec, gen);
    if (method.equals("vanilla")) { // the reference's own loop agreed with HF's generate
      ConformanceIT.assertGreedy(
          name + " (HF)",
          Fixtures.longs(ref.get("hf_generated_ids")),
          m.get("top2_margins"),
          gen.tokens());
    }
    // the window decides the answer: full attention (the fixture's own window holds the decode)
    // would not give these ids
    assertNotEquals(
        ConformanceIT.reference(FIXTURE).get("hf_generated_ids").toString(),
        ref.get("hf_generated_ids").toString());
  }
}
