package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.jobs.testing.Repo;

/**
 * The trace contract: one JSON object on stdout with the specified fields; errors on stderr with
 * exit codes.
 */
class TraceCommandIT {
  static final Path FIXTURE = Repo.FIXTURE_B;

  static List<String> traceArgs(String method) throws Exception {
    return traceArgs(FIXTURE, method);
  }

  static List<String> traceArgs(Path fixture, String method) throws Exception {
    JsonNode ref = new ObjectMapper().readTree(fixture.resolve("reference.json").toFile());
    List<String> a = new ArrayList<>(List.of("trace", "--model", fixture.toString()));
    for (JsonNode img : ref.get("images")) {
      a.add("--image");
      a.add(fixture.resolve(img.asText()).toString());
    }
    for (JsonNode video : ref.path("videos")) {
      List<String> frames = new ArrayList<>();
      video.forEach(f -> frames.add(fixture.resolve(f.asText()).toString()));
      a.add("--video-frames");
      a.add(String.join(",", frames));
    }
    a.addAll(
        List.of(
            "--prompt", ref.get("prompt").asText(), "--method", method, "--max-new-tokens", "8"));
    return a;
  }

  @Test
  void printsOneJsonObjectMatchingTheReference() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
    Cli.Result r = Cli.run(traceArgs("v2drop@1:0.5,5:0.5,6:0").toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode out = new ObjectMapper().readTree(r.out());
    assertEquals(1, r.out().strip().lines().count(), "exactly one line of JSON on stdout");
    assertEquals(ref.get("input_ids"), out.get("input_ids"));
    assertEquals(
        ref.get("pixel_values_sum").asDouble(), out.get("pixel_values_sum").asDouble(), 1e-3);
    JsonNode m = ref.get("methods").get("v2drop@1:0.5,5:0.5,6:0");
    for (int i = 0; i < 3; i++) {
      assertEquals(
          m.get("stages").get(i).get("kept_positions"),
          out.get("stages").get(i).get("kept_positions"));
      assertEquals(m.get("stages").get(i).get("layer"), out.get("stages").get(i).get("layer"));
    }
    assertEquals(m.get("last_logits_top5").get("ids"), out.get("last_logits_top5").get("ids"));
    assertEquals(m.get("generated_ids"), out.get("generated_ids"));
    assertEquals(m.get("text").asText(), out.get("text").asText());
  }

  /**
   * The same contract for the other families: the prompt as HF's processor receives it (Qwen's chat
   * template with {@code <|image_pad|>} spans, LLaVA-NeXT's {@code <image>}), each placeholder
   * taking the next --image; the pixel sum is that of the tensor the vision tower receives (Qwen's
   * patches, LLaVA-NeXT's AnyRes tiles; the second NeXT checkpoint has a Mistral decoder whose
   * sliding window is shorter than the prompt).
   */
  @Test
  void otherFamiliesTraceUnchanged() throws Exception {
    for (Path fixture :
        List.of(
            Repo.FIXTURE_QWEN2VL,
            Repo.FIXTURE_QWEN25VL,
            Repo.FIXTURE_LLAVA_NEXT,
            Repo.FIXTURE_LLAVA_NEXT.resolveSibling("tiny-llava-next-b"))) {
      JsonNode ref = new ObjectMapper().readTree(fixture.resolve("reference.json").toFile());
      String method = null;
      for (java.util.Iterator<String> it = ref.get("methods").fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (name.startsWith("v2drop")) {
          method = name;
          break;
        }
      }
      Cli.Result r = Cli.run(traceArgs(fixture, method).toArray(String[]::new));
      assertEquals(0, r.code(), fixture + ": " + r.err());
      JsonNode out = new ObjectMapper().readTree(r.out());
      assertEquals(ref.get("input_ids"), out.get("input_ids"), fixture + " input_ids");
      assertEquals(
          ref.get("pixel_values_sum").asDouble(),
          out.get("pixel_values_sum").asDouble(),
          1e-3,
          fixture + " pixel_values_sum");
      JsonNode m = ref.get("methods").get(method);
      assertEquals(m.get("stages").size(), out.get("stages").size(), fixture + " " + method);
      for (int i = 0; i < m.get("stages").size(); i++) {
        assertEquals(
            m.get("stages").get(i).get("kept_positions"),
            out.get("stages").get(i).get("kept_positions"),
            fixture + " " + method + " stage " + i);
      }
      assertEquals(m.get("generated_ids"), out.get("generated_ids"), fixture + " " + method);
      assertEquals(m.get("text").asText(), out.get("text").asText(), fixture + " text");
    }
  }

  /** --dtype float16: the BF16 checkpoint narrowed to float16, held to HF's float16 reference. */
  @Test
  void halfPrecisionMatchesTheFloat16Reference() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference-fp16.json").toFile());
    List<String> a = traceArgs("fastv@3:0.25");
    a.addAll(List.of("--dtype", "float16"));
    Cli.Result r = Cli.run(a.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode out = new ObjectMapper().readTree(r.out());
    assertEquals("float16", out.get("dtype").asText());
    JsonNode m = ref.get("methods").get("fastv@3:0.25");
    assertEquals(
        m.get("stages").get(0).get("kept_positions"),
        out.get("stages").get(0).get("kept_positions"));
    assertEquals(m.get("generated_ids"), out.get("generated_ids"));
    assertEquals(
        m.get("last_logits_top5").get("ids").get(0), out.get("last_logits_top5").get("ids").get(0));
    List<String> bf16 = traceArgs("vanilla");
    bf16.addAll(List.of("--dtype", "bfloat16"));
    Cli.Result refused = Cli.run(bf16.toArray(String[]::new));
    assertEquals(2, refused.code());
    assertTrue(
        refused.err().contains("--dtype: dtype 'bfloat16' is not supported: DJL 0.36"),
        refused.err());
    assertTrue(refused.err().contains("use float16"), refused.err());
    assertEquals("", refused.out());
    List<String> gpu = traceArgs("vanilla");
    gpu.addAll(List.of("--device", "gpu"));
    Cli.Result noCuda = Cli.run(gpu.toArray(String[]::new));
    assertEquals(2, noCuda.code(), "a GPU that DJL does not see is an error, not the CPU");
    assertTrue(
        noCuda.err().contains("--device gpu: DJL's PyTorch engine sees 0 GPU(s)"), noCuda.err());
  }

  @Test
  void badInputsExitNonZeroWithAMessage() throws Exception {
    List<String> a = traceArgs("v2drop@9:0.5");
    Cli.Result r = Cli.run(a.toArray(String[]::new));
    assertEquals(1, r.code());
    assertTrue(r.err().contains("layer 9 is out of range [1, 8)"), r.err());
    assertEquals("", r.out());
    Cli.Result usage = Cli.run("trace", "--model", FIXTURE.toString());
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("missing required option --prompt"), usage.err());
    Cli.Result unknown = Cli.run("trace", "--modle", "x");
    assertEquals(2, unknown.code());
    Cli.Result images =
        Cli.run(
            "trace",
            "--model",
            FIXTURE.toString(),
            "--prompt",
            "USER: <image>\nhi",
            "--method",
            "vanilla");
    assertEquals(1, images.code());
    assertTrue(images.err().contains("1 '<image>' placeholder(s) but 0 image(s)"), images.err());
    Path qwen = java.nio.file.Files.createTempDirectory("v2drop-family-");
    java.nio.file.Files.writeString(qwen.resolve("config.json"), "{\"model_type\": \"idefics3\"}");
    for (String[] command :
        new String[][] {
          {"trace", "--model", qwen.toString(), "--prompt", "hi", "--method", "vanilla"},
          {"bench", "--model", qwen.toString(), "--method", "vanilla"},
          {"methods", "--model", qwen.toString()}
        }) {
      Cli.Result family = Cli.run(command);
      assertEquals(1, family.code(), command[0] + ": " + family.err());
      assertTrue(
          family.err().contains("unsupported model_type 'idefics3'; supported: llava, qwen2_vl")
              && family.err().contains(qwen.resolve("config.json").toString()),
          command[0] + ": " + family.err());
    }
    Cli.Result methods = Cli.run("methods");
    assertTrue(
        methods.out().contains("llava-192  3:0.5,17:0.5,22:0") && methods.out().contains("202.8"),
        methods.out());
    assertTrue(
        methods.out().contains("qwen2vl-22 3:0.25,16:0.05,22:0")
            && methods.out().contains("on its 28"),
        "the Qwen2-VL preset on its own depth: " + methods.out());
    assertTrue(
        methods.out().contains("fastv@budget:192     fastv@3:0.2644"),
        "every method's schedule at the paper's budgets: " + methods.out());
    Cli.Result demoDepth = Cli.run("methods", "--layers", "8");
    assertTrue(
        demoDepth.out().contains("v2drop@llava-192     v2drop@3:0.5,5:0.5,6:0")
            && demoDepth.out().contains("is below what a model of 8 layers keeps"),
        demoDepth.out());
  }

  /** bin/v2drop eval: the launcher's class path runs embedded Spark (a sweep on a tiny suite). */
  @Test
  void launcherRunsAnEmbeddedSparkSweep(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    counts.put("shapes_pope", 2);
    Repo.writeSuite(tmp.resolve("suite"), counts, 0);
    Path sweep = tmp.resolve("sweep.yaml");
    java.nio.file.Files.writeString(
        sweep,
        String.join(
                "\n",
                "run_id: launcher",
                "output: " + tmp.resolve("reports"),
                "models:",
                "  - {name: tiny-a, path: " + Repo.FIXTURE_A + "}",
                "methods: [vanilla]",
                "benchmarks:",
                "  - {name: shapes_pope, path: " + tmp.resolve("suite/shapes_pope") + "}",
                "generation: {max_new_tokens: 2}")
            + "\n");
    Process p =
        new ProcessBuilder(
                Repo.ROOT.resolve("bin/v2drop").toString(),
                "eval",
                "--sweep",
                sweep.toString(),
                "--master",
                "local[1]")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "launcher timed out");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("run launcher: reports under") && out.contains("shapes_pope"), out);
  }

  /** bin/v2drop on the packaged jar: the JSON alone on stdout, logs on stderr, DJL offline. */
  @Test
  void launcherRunsTrace() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Repo.ROOT.resolve("bin/v2drop").toString()));
    cmd.addAll(traceArgs("fastv@3:0.25"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "launcher timed out");
    assertEquals(0, p.exitValue(), out);
    JsonNode json = new ObjectMapper().readTree(out);
    JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
    assertEquals(
        ref.get("methods").get("fastv@3:0.25").get("generated_ids"), json.get("generated_ids"));
  }
}
