package org.v2drop.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SweepParserTest {
  static final String GOOD =
      """
      run_id: r1
      output: /tmp/out
      models:
        - {name: m, path: /models/m}
      methods: [vanilla, v2drop@llava-192]
      benchmarks:
        - {name: pope, path: /data/POPE, limit: 10}
      generation: {max_new_tokens: 8, max_new_tokens_per_benchmark: {pope: 3}}
      error_rate_threshold: 0.1
      batch_size: 8
      passes_in_flight: 3
      """;

  static Sweep parse(String yaml) {
    return SweepParser.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "sweep.yaml");
  }

  @Test
  void parsesEverything() {
    Sweep s = parse(GOOD);
    assertEquals("r1", s.runId());
    assertEquals(List.of("vanilla", "v2drop@llava-192"), s.methods());
    assertEquals(10, s.benchmarks().get(0).limit());
    assertEquals(3, s.maxNewTokens().get("pope"));
    assertEquals(8, s.maxNewTokens().get("*"));
    assertEquals(0.1, s.errorRateThreshold());
    assertEquals(8, s.batchSize());
    assertEquals(
        1, parse(GOOD.replace("batch_size: 8", "")).batchSize(), "one at a time by default");
    assertEquals(3, s.passesInFlight());
    assertEquals("auto", s.models().get(0).dtype(), "the device's default precision");
    assertEquals(
        "float16",
        parse(GOOD.replace("path: /models/m}", "path: /models/m, dtype: fp16}"))
            .models()
            .get(0)
            .dtype());
    assertEquals("float32", s.withDtype("float32").models().get(0).dtype(), "--dtype");
    assertTrue(s.models().get(0).processor().isEmpty(), "the checkpoint's pixel bounds by default");
    Sweep pixels =
        parse(
            GOOD.replace(
                "path: /models/m}", "path: /models/m, min_pixels: 3136, max_pixels: 602112}"));
    assertEquals(
        new org.v2drop.core.family.ProcessorOverrides(3136, 602112),
        pixels.models().get(0).processor());
    assertEquals(
        pixels.models().get(0).processor(),
        pixels.withDtype("float16").models().get(0).processor(),
        "--dtype keeps the pixel bounds");
    Sweep frames =
        parse(
            GOOD.replace("path: /models/m}", "path: /models/m, frames: 8}")
                .replace("limit: 10}", "limit: 10, frames: 16}"));
    assertEquals(8, frames.models().get(0).frames());
    assertEquals(16, frames.benchmarks().get(0).frames());
    assertEquals(0, s.benchmarks().get(0).frames(), "unset: the job's default");
    Sweep video =
        parse(
            GOOD.replace("name: pope", "name: videomme")
                .replace("limit: 10}", "limit: 10, subtitles: true, videos: /v/*.zip}"));
    assertEquals("videomme_w_subtitle", video.benchmarks().get(0).name());
    assertEquals("/v/*.zip", video.benchmarks().get(0).videos());
    assertEquals(
        Sweep.DEFAULT_PASSES_IN_FLIGHT,
        parse(GOOD.replace("passes_in_flight: 3", "")).passesInFlight());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "run_id: r1|run_id: r 1|run_id 'r 1' may only hold",
        "error_rate_threshold: 0.1|error_rate_threshold: 2|error_rate_threshold must be in [0, 1]",
        "error_rate_threshold: 0.1|error_rate_thresold: 0.1|unknown key 'error_rate_thresold'",
        "limit: 10|limit: ten|key 'limit' must be an integer",
        "limit: 10|lmit: 10|unknown key 'benchmarks[].lmit'",
        "v2drop@llava-192|v2drop@llava-100|invalid method spec 'v2drop@llava-100'",
        "name: pope|name: popee|unknown benchmark 'popee'",
        "limit: 10}|limit: 10, videos: /v}|benchmarks[].videos: pope has no video files",
        "limit: 10}|limit: 10, subtitles: yes please}|benchmarks[].subtitles must be true or false",
        "limit: 10}|limit: 10, subtitles: true}|benchmarks[].subtitles: pope has no with-subtitle",
        "max_new_tokens: 8|max_new_tokens: 0|generation.max_new_tokens must be positive",
        "output: /tmp/out|outpt: /tmp/out|unknown key 'outpt'",
        "batch_size: 8|batch_size: 0|batch_size must be >= 1",
        "batch_size: 8|batch_size: eight|key 'batch_size' must be an integer",
        "passes_in_flight: 3|passes_in_flight: 0|passes_in_flight must be >= 1",
        "path: /models/m}|path: /models/m, dtype: bfloat16}|models[]: model m: dtype: dtype"
            + " 'bfloat16' is not supported",
        "path: /models/m}|path: /models/m, dtype: fp8}|unknown dtype 'fp8'; expected one of auto,"
            + " float32, float16",
        "path: /models/m}|path: /models/m, dtpye: float16}|unknown key 'models[].dtpye'",
        "path: /models/m}|path: /models/m, max_pixels: 0}|models[].max_pixels must be positive",
        "limit: 10|limit: 10, frames: 0|benchmarks[].frames must be positive",
        "path: /models/m}|path: /models/m, min_pixels: 9000, max_pixels: 3136}|models[]:"
            + " min_pixels and max_pixels must be positive with min_pixels <= max_pixels"
      })
  void errorsNameTheKey(String from, String to, String problem) {
    SweepException e = assertThrows(SweepException.class, () -> parse(GOOD.replace(from, to)));
    assertTrue(e.getMessage().startsWith("sweep.yaml: "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void everyShippedSweepParses() throws Exception {
    Path dir =
        Path.of(System.getProperty("user.dir")).getParent().resolve("cluster-configs/sweeps");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sweeps = files.filter(p -> p.toString().endsWith(".yaml")).toList();
      assertTrue(sweeps.size() >= 2, "shipped sweeps in " + dir + ": " + sweeps);
      for (Path p : sweeps) {
        Sweep s = SweepParser.parse(p);
        assertTrue(s.methods().size() >= 1 && s.benchmarks().size() >= 1, p.toString());
      }
    }
  }
}
