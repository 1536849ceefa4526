package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.KeptStage;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.testing.Fixtures;
import org.v2drop.core.testing.Parity;

/**
 * The engine against HF transformers (vanilla) and the independent dropping reference (every
 * method) on each tiny checkpoint of every family, loaded through the family registry: pixel
 * values, input ids, kept positions, top-5 logits, greedy ids.
 */
class ConformanceIT {
  /** The LLaVA fixtures (the fused-call tests run on them). */
  static final String[] LLAVA_FIXTURES = {"tiny-llava-a", "tiny-llava-b"};

  static final String[] FIXTURES = {
    "tiny-llava-a",
    "tiny-llava-b",
    "tiny-qwen2vl",
    "tiny-qwen25vl",
    "tiny-llava-next",
    "tiny-llava-next-b"
  };
  private static final Map<String, Engine> ENGINES = new java.util.HashMap<>();

  static Engine engine(String fixture) {
    return ENGINES.computeIfAbsent(fixture, f -> load(f, ComputeDType.FLOAT32));
  }

  /** A fixture's engine through the family registry, on the CPU, planned for small batches. */
  static Engine load(String fixture, ComputeDType dtype) {
    return ModelFamilies.load(
        Fixtures.dir(fixture), Device.cpu(), dtype, ModelFamily.PlannedUse.typical(3, 3));
  }

  @AfterAll
  static void close() {
    ENGINES.values().forEach(Engine::close);
    ENGINES.clear();
  }

  static JsonNode reference(String fixture) {
    return Fixtures.json(Fixtures.dir(fixture).resolve("reference.json"));
  }

  static EncodedInput encode(String fixture) {
    JsonNode ref = reference(fixture);
    List<RgbImage> images = new ArrayList<>();
    for (JsonNode f : ref.get("images")) {
      images.add(ImageDecoder.read(Fixtures.dir(fixture).resolve(f.asText())));
    }
    return engine(fixture)
        .encode(
            ref.get("prompt").asText(),
            images,
            videos(fixture, ref),
            ref.get("sample_id").asText());
  }

  /** The reference's videos (lists of frame files), read; none for a fixture without. */
  static List<List<RgbImage>> videos(String fixture, JsonNode ref) {
    List<List<RgbImage>> videos = new ArrayList<>();
    for (JsonNode v : ref.path("videos")) {
      List<RgbImage> frames = new ArrayList<>();
      for (JsonNode f : v) {
        frames.add(ImageDecoder.read(Fixtures.dir(fixture).resolve(f.asText())));
      }
      videos.add(frames);
    }
    return videos;
  }

  /**
   * {@code input} as the middle sample of a ragged batch with a longer prompt (as many other
   * images) and a shorter one (text only), so the batch pads before and after every drop.
   */
  static List<EncodedInput> raggedBatch(Engine engine, EncodedInput input) {
    List<RgbImage> images = new ArrayList<>();
    for (int k = 0; k < input.numImages(); k++) {
      byte[] px = new byte[40 * 30 * 3];
      for (int j = 0; j < px.length; j++) {
        px[j] = (byte) (j * 31 + k * 7);
      }
      images.add(new RgbImage(40, 30, px));
    }
    EncodedInput longer =
        engine.encode(
            engine
                .chatTemplate()
                .apply("Is there a red square to the left of the blue circle?", images.size()),
            images,
            "batch-longer");
    EncodedInput shorter =
        engine.encode(engine.chatTemplate().apply("Say hello.", 0), List.of(), "batch-short");
    return List.of(longer, input, shorter);
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String f : FIXTURES) {
      Iterator<String> methods = reference(f).get("methods").fieldNames();
      methods.forEachRemaining(m -> out.add(Arguments.of(f, m)));
    }
    assertTrue(out.size() >= 10, "expected every method on every fixture, found " + out);
    return out.stream();
  }

  @ParameterizedTest(name = "{0} preprocessing")
  @MethodSource("fixtures")
  void inputIdsAndPixelValuesMatchTransformers(String fixture) {
    JsonNode ref = reference(fixture);
    EncodedInput input = encode(fixture);
    assertArrayEquals(Fixtures.longs(ref.get("input_ids")), input.inputIds(), "input_ids");
    if (ref.has("pixel_values")) {
      // PIL-exact resizing: every value within float rounding (one uint8 level is ~0.015 here)
      Parity.assertAllClose(
          fixture + " pixel_values",
          Fixtures.floats(ref.get("pixel_values")),
          input.pixelValues(),
          1e-5,
          0);
    } else { // a large patch tensor: its size and sum (Qwen2VlImageProcessorTest checks values)
      long size = 1;
      for (JsonNode d : ref.get("pixel_values_shape")) {
        size *= d.asLong();
      }
      assertEquals(size, input.pixelValues().length, fixture + " pixel_values size");
      assertEquals(
          ref.get("pixel_values_sum").asDouble(),
          input.pixelValuesSum(),
          1e-6 * size,
          fixture + " pixel_values sum");
    }
    if (ref.has("image_grid_thw")) { // the fixture's prompt holds its images, then its video
      List<JsonNode> grids = new ArrayList<>();
      ref.get("image_grid_thw").forEach(grids::add);
      ref.path("video_grid_thw").forEach(grids::add);
      assertEquals(grids.size(), input.visionGrids().size(), fixture + " grids");
      for (int i = 0; i < grids.size(); i++) {
        assertArrayEquals(
            Fixtures.longs(grids.get(i)),
            java.util.Arrays.stream(input.visionGrids().get(i)).asLongStream().toArray(),
            fixture + " grid_thw " + i);
      }
    }
  }

  static Stream<String> fixtures() {
    return Stream.of(FIXTURES);
  }

  @ParameterizedTest(name = "{0} vanilla vs HF generate")
  @MethodSource("fixtures")
  void vanillaMatchesTransformersGenerate(String fixture) {
    JsonNode ref = reference(fixture);
    Generation gen =
        engine(fixture)
            .generate(
                encode(fixture), MethodSpec.parse("vanilla"), ref.get("max_new_tokens").asInt());
    assertTop5(fixture + " vanilla last_logits_top5 (HF)", ref.get("hf_last_logits_top5"), gen);
    assertGreedy(
        fixture + " vanilla",
        Fixtures.longs(ref.get("hf_generated_ids")),
        ref.get("methods").get("vanilla").get("top2_margins"),
        gen.tokens());
    assertEquals(ref.get("hf_text").asText(), engine(fixture).decode(gen.tokens()), "decoded text");
  }

  /**
   * Every dropping code path with stages that keep everything (ratio 1) is HF's own generate: the
   * policy ranks, the rows are gathered and (PDrop) renumbered, and nothing may change.
   */
  @ParameterizedTest(name = "{0} keep-all stages vs HF generate")
  @MethodSource("fixtures")
  void keepAllStagesMatchTransformersGenerate(String fixture) {
    JsonNode ref = reference(fixture);
    for (String method :
        List.of("v2drop@2:1,4:1", "fastv@2:1", "pdrop@1:1,3:1,5:1", "random@2:1")) {
      Generation gen =
          engine(fixture)
              .generate(
                  encode(fixture), MethodSpec.parse(method), ref.get("max_new_tokens").asInt());
      assertEquals(method.chars().filter(c -> c == ':').count(), gen.stages().size(), method);
      int vision = gen.visionTokensPerLayer()[0];
      for (int v : gen.visionTokensPerLayer()) {
        assertEquals(vision, v, method + ": every vision token kept in every layer");
      }
      assertTop5(
          fixture + " " + method + " last_logits_top5 (HF)", ref.get("hf_last_logits_top5"), gen);
      assertGreedy(
          fixture + " " + method,
          Fixtures.longs(ref.get("hf_generated_ids")),
          ref.get("methods").get("vanilla").get("top2_margins"),
          gen.tokens());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void methodMatchesReference(String fixture, String method) {
    JsonNode ref = reference(fixture);
    JsonNode m = ref.get("methods").get(method);
    MethodSpec spec = MethodSpec.parse(method);
    Generation gen =
        engine(fixture).generate(encode(fixture), spec, ref.get("max_new_tokens").asInt());
    assertMatchesReference(fixture + " " + method, m, spec, gen);
  }

  /**
   * A generation against a method's reference entry: the expanded schedule, the kept positions of
   * each stage, the top-5 last logits, the greedy ids.
   */
  static void assertMatchesReference(String name, JsonNode m, MethodSpec spec, Generation gen) {
    // expanded schedule equals the reference's
    StringBuilder sched = new StringBuilder();
    for (JsonNode s : m.get("schedule")) {
      sched
          .append(sched.length() == 0 ? "" : ",")
          .append(s.get(0).asInt())
          .append(':')
          .append(new org.v2drop.core.drop.Stage(1, s.get(1).asDouble()).toString().substring(2));
    }
    String expected = spec.method().id() + (sched.length() == 0 ? "" : "@" + sched);
    assertEquals(expected, gen.schedule(), name + " expanded schedule");
    assertEquals(m.get("stages").size(), gen.stages().size(), "number of drop stages");
    for (int i = 0; i < gen.stages().size(); i++) {
      KeptStage st = gen.stages().get(i);
      JsonNode rs = m.get("stages").get(i);
      assertEquals(rs.get("layer").asInt(), st.layer(), "stage " + i + " layer");
      assertArrayEquals(
          Fixtures.longs(rs.get("kept_positions")),
          st.keptPositions(),
          name + " kept positions at layer " + st.layer());
    }
    assertTop5(name + " last_logits_top5", m.get("last_logits_top5"), gen);
    assertGreedy(name, Fixtures.longs(m.get("generated_ids")), m.get("top2_margins"), gen.tokens());
  }

  private static void assertTop5(String name, JsonNode expected, Generation gen) {
    long[] ids = Fixtures.longs(expected.get("ids"));
    float[] values = Fixtures.floats(expected.get("values"));
    Parity.assertAllClose(name + " values", values, gen.lastLogitsTop5().values(), 1e-3, 0);
    for (int i = 0; i < ids.length; i++) {
      // ids must agree unless two reference values are within the tolerance (an honest tie)
      boolean tie =
          (i > 0 && values[i - 1] - values[i] <= 1e-3)
              || (i < ids.length - 1 && values[i] - values[i + 1] <= 1e-3);
      if (!tie) {
        assertEquals(ids[i], gen.lastLogitsTop5().ids()[i], name + " id at rank " + i);
      }
    }
  }

  /** Greedy ids equal up to the first step where the reference's top-2 margin is at most 1e-3. */
  static void assertGreedy(String name, long[] expected, JsonNode margins, long[] actual) {
    int n = assertGreedy(name, expected, margins, actual, 1e-3);
    assertTrue(n > 0 || expected.length == 0, name + ": reference has no decisive step to compare");
  }

  /**
   * Greedy ids equal up to the first step where the reference's top-2 margin is at most {@code
   * margin}; returns how many steps were compared.
   */
  static int assertGreedy(
      String name, long[] expected, JsonNode margins, long[] actual, double margin) {
    int n = expected.length;
    for (int i = 0; i < expected.length; i++) {
      if (margins.get(i).asDouble() <= margin) {
        n = i;
        break;
      }
    }
    long[] e = java.util.Arrays.copyOf(expected, n);
    long[] a = java.util.Arrays.copyOf(actual, Math.min(n, actual.length));
    assertArrayEquals(e, a, name + " greedy ids (first " + n + " decisive steps)");
    return n;
  }
}
