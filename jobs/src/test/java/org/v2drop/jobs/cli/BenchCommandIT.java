package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.jobs.testing.Repo;

/**
 * The bench contract: ONE JSON object with the specified fields, consistent with the method and the
 * inputs.
 */
class BenchCommandIT {
  static final String MODEL = Repo.FIXTURE_B.toString();

  static JsonNode bench(String method, String images) throws Exception {
    return bench(method, images, 3);
  }

  static JsonNode bench(String method, String images, int repeat) throws Exception {
    Cli.Result r =
        Cli.run(
            "bench",
            "--model",
            MODEL,
            "--method",
            method,
            "--images",
            images,
            "--prompt-tokens",
            "20",
            "--new-tokens",
            "5",
            "--repeat",
            Integer.toString(repeat),
            "--threads",
            "1");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        1, r.out().strip().lines().count(), "exactly one line of JSON on stdout: " + r.out());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void printsTheContractFields() throws Exception {
    JsonNode vanilla = bench("vanilla", "2");
    List<String> fields = new ArrayList<>();
    for (Iterator<String> it = vanilla.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    assertEquals(
        List.of(
            "method",
            "schedule",
            "vision_ms",
            "prefill_ms",
            "decode_ms_per_token",
            "llm_total_ms",
            "vision_tokens_per_layer",
            "flops",
            "threads",
            "peak_rss_mb"),
        fields.subList(0, 10));
    int vision = vanilla.get("vision_tokens").asInt();
    assertEquals(
        2 * 26,
        vision,
        "tiny-llava-b: 35 px / patch 7 = 25 patches + CLS (strategy full) per image");
    assertEquals(
        1 + 20 + vision, vanilla.get("prompt_tokens").asInt(), "BOS + text + image tokens");
    assertEquals(1, vanilla.get("threads").asInt());
    assertEquals("float32", vanilla.get("dtype").asText(), "auto on a CPU");
    assertEquals("cpu()", vanilla.get("device").asText());
    assertTrue(vanilla.get("peak_device_mb").isNull(), "no CUDA memory on a CPU");
    assertEquals(5, vanilla.get("new_tokens").asInt());
    assertEquals(3, vanilla.get("llm_total_ms_runs").size());
    assertEquals(5, vanilla.get("warmup").asInt(), "default warm-up generations");
    assertTrue(vanilla.get("peak_rss_mb").asLong() > 50, vanilla.toString());
    for (String f : List.of("vision_ms", "prefill_ms", "decode_ms_per_token", "llm_total_ms")) {
      assertTrue(vanilla.get(f).asDouble() > 0, f + " > 0: " + vanilla);
    }
    assertTrue(vanilla.get("llm_total_ms").asDouble() >= vanilla.get("prefill_ms").asDouble());
    for (JsonNode n : vanilla.get("vision_tokens_per_layer")) {
      assertEquals(vision, n.asInt(), "vanilla keeps every vision token in every layer");
    }
    JsonNode layerMs = vanilla.get("prefill_layer_ms");
    assertEquals(
        vanilla.get("vision_tokens_per_layer").size(),
        layerMs.size(),
        "one prefill time per layer");
    for (JsonNode ms : layerMs) {
      assertTrue(ms.asDouble() > 0, "layer time > 0: " + layerMs);
    }
    // one timed generation: its layers' times are parts of its prefill (medians of several runs
    // would not add up)
    JsonNode once = bench("vanilla", "2", 1);
    double inLayers = 0;
    for (JsonNode ms : once.get("prefill_layer_ms")) {
      inLayers += ms.asDouble();
    }
    assertTrue(
        inLayers <= once.get("prefill_ms").asDouble(), "the layers within the prefill: " + once);

    JsonNode dropped = bench("v2drop@1:0.5,5:0.5,6:0", "2");
    assertEquals("v2drop@1:0.5,5:0.5,6:0", dropped.get("schedule").asText());
    JsonNode perLayer = dropped.get("vision_tokens_per_layer");
    assertEquals(vision, perLayer.get(0).asInt());
    assertEquals(vision / 2, perLayer.get(1).asInt(), "half kept before layer 1");
    assertEquals(1, perLayer.get(6).asInt(), "ratio 0 keeps one token");
    assertTrue(dropped.get("flops").asDouble() < vanilla.get("flops").asDouble());
  }

  /**
   * --serve: one model load, then one JSON object per "SPEC N" request line, in order, until end of
   * input.
   */
  @Test
  void servesRequestsFromStdin() throws Exception {
    Cli.Result r =
        withStdin(
            "vanilla 2\n\nv2drop@1:0.5,5:0.5,6:0 1\n",
            () ->
                Cli.run(
                    "bench",
                    "--model",
                    MODEL,
                    "--serve",
                    "--images",
                    "2",
                    "--prompt-tokens",
                    "20",
                    "--new-tokens",
                    "3",
                    "--threads",
                    "1"));
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    assertEquals(3, lines.size(), r.out());
    ObjectMapper json = new ObjectMapper();
    assertTrue(json.readTree(lines.get(0)).get("ready").asBoolean());
    JsonNode vanilla = json.readTree(lines.get(1));
    assertEquals("vanilla", vanilla.get("method").asText());
    assertEquals(2, vanilla.get("repeat").asInt());
    assertEquals(2, vanilla.get("llm_total_ms_runs").size());
    assertEquals(0, vanilla.get("warmup").asInt());
    JsonNode dropped = json.readTree(lines.get(2));
    assertEquals("v2drop@1:0.5,5:0.5,6:0", dropped.get("schedule").asText());
    assertEquals(1, dropped.get("llm_total_ms_runs").size());
    assertEquals(
        26,
        dropped.get("vision_tokens_per_layer").get(1).asInt(),
        "half of 52 kept before layer 1");

    r =
        withStdin(
            "vanilla\n", () -> Cli.run("bench", "--model", MODEL, "--serve", "--threads", "1"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("expected a request line \"SPEC N\""), r.err());
    r = Cli.run("bench", "--model", MODEL, "--serve", "--method", "vanilla");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not --method"), r.err());
  }

  private static Cli.Result withStdin(String input, java.util.function.Supplier<Cli.Result> body) {
    java.io.InputStream old = System.in;
    System.setIn(
        new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    try {
      return body.get();
    } finally {
      System.setIn(old);
    }
  }

  @Test
  void rejectsBadValues() {
    Cli.Result r = Cli.run("bench", "--model", MODEL, "--method", "vanilla", "--repeat", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--repeat must be >= 1"), r.err());
    r = Cli.run("bench", "--model", MODEL, "--method", "vanilla", "--warmup", "-1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--warmup must be >= 0"), r.err());
  }

  /**
   * A dynamic-resolution checkpoint takes --image-size and --video-frames: the vision tokens follow
   * the size (smart_resize), and a fixed-size family refuses them.
   */
  @Test
  void imageSizeAndVideoFramesForQwen() throws Exception {
    String qwen = org.v2drop.jobs.testing.Repo.FIXTURE_QWEN2VL.toString();
    Cli.Result r =
        Cli.run(
            "bench",
            "--model",
            qwen,
            "--method",
            "v2drop@2:0.5",
            "--image-size",
            "112x84",
            "--video-frames",
            "3",
            "--prompt-tokens",
            "8",
            "--new-tokens",
            "2",
            "--warmup",
            "0",
            "--repeat",
            "1");
    assertEquals(0, r.code(), r.err());
    JsonNode out = new ObjectMapper().readTree(r.out());
    // 112x84: 8x6 patches, 12 merged tokens; the video's 3 frames (padded to 4) under the video
    // processor's max_pixels 6272: 84x56 (6x4 patches), 2 temporal patches of 6 tokens = 12
    assertEquals(24, out.get("vision_tokens").asInt(), r.out());
    assertEquals(12, out.get("vision_tokens_per_layer").get(2).asInt(), "halved at layer 2");
    Cli.Result llava =
        Cli.run("bench", "--model", MODEL, "--method", "vanilla", "--image-size", "112x84");
    assertEquals(1, llava.code());
    assertTrue(
        llava.err().contains("--image-size and --video-frames apply to dynamic-resolution"),
        llava.err());
    Cli.Result bad = Cli.run("bench", "--model", qwen, "--method", "vanilla", "--image-size", "12");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--image-size: expected WxH"), bad.err());
  }
}
