package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Sample;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.shapes.ShapesTask;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.jobs.testing.Repo;

/**
 * The throughput contract: ONE JSON object counting every sample of the demo benchmarks, and the
 * same answers whether samples are generated one at a time or in batches.
 */
class ThroughputCommandIT {
  static final String MODEL = Repo.FIXTURE_A.toString();

  @TempDir Path tmp;

  JsonNode throughput(int batch, Path answers) throws Exception {
    Cli.Result r =
        Cli.run(
            "throughput",
            "--model",
            MODEL,
            "--method",
            "v2drop@2:0.5,4:0.25",
            "--limit",
            "3",
            "--batch-size",
            Integer.toString(batch),
            "--threads",
            "1",
            "--answers",
            answers.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        1, r.out().strip().lines().count(), "exactly one line of JSON on stdout: " + r.out());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void batchesAnswerLikeOneAtATime() throws Exception {
    JsonNode one = throughput(1, tmp.resolve("b1.jsonl"));
    JsonNode three = throughput(3, tmp.resolve("b3.jsonl"));
    assertEquals(3, three.get("batch_size").asInt());
    assertEquals(
        7 * 3, three.get("samples").asInt(), "3 samples of each of the 7 ShapesVQA benchmarks");
    assertEquals(0, three.get("errors").asInt());
    assertEquals(7, three.get("benchmarks").size());
    assertTrue(three.get("samples_per_s").asDouble() > 0, three.toString());
    List<String> a = Files.readAllLines(tmp.resolve("b1.jsonl"));
    assertEquals(21, a.size());
    assertEquals(
        a,
        Files.readAllLines(tmp.resolve("b3.jsonl")),
        "the same answers and scores in batches of 3");
    assertEquals(
        one.get("benchmarks").get("shapes_pope").get("mean_score").asDouble(),
        three.get("benchmarks").get("shapes_pope").get("mean_score").asDouble(),
        1e-12);
    assertCountsAddUp(three, a);
  }

  /**
   * Each benchmark holds the first 3 samples by id of the suite, each answer line's score is its
   * benchmark's score of the response, the per-benchmark mean is the mean of those lines, and the
   * phases and totals add up.
   */
  static void assertCountsAddUp(JsonNode out, List<String> answerLines) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, List<JsonNode>> lines = new LinkedHashMap<>();
    for (String l : answerLines) {
      JsonNode n = json.readTree(l);
      lines.computeIfAbsent(n.get("benchmark").asText(), k -> new ArrayList<>()).add(n);
    }
    double seconds = 0;
    double phases = 0;
    for (ShapesTask task : ShapesSuite.TASKS) {
      Benchmark b = task.benchmark();
      List<Sample> suite =
          new ArrayList<>(
              ShapesSuite.generate(task, "test", ShapesSuite.TEST_COUNTS.get(b.name()), 0)
                  .samples());
      suite.sort(Comparator.comparing(Sample::id));
      List<JsonNode> got = lines.get(b.name());
      assertEquals(3, got.size(), b.name());
      double sum = 0;
      for (int i = 0; i < 3; i++) {
        Sample s = suite.get(i);
        JsonNode line = got.get(i);
        assertEquals(
            s.id(),
            line.get("sample_id").asText(),
            b.name() + ": the first samples by id, in order");
        assertEquals(
            b.score(s, line.get("response").asText()).score(),
            line.get("score").asDouble(),
            1e-12,
            line.toString());
        sum += line.get("score").asDouble();
      }
      JsonNode per = out.get("benchmarks").get(b.name());
      assertEquals(3, per.get("samples").asInt());
      assertEquals(sum / 3, per.get("mean_score").asDouble(), 1e-12, b.name());
      double p =
          per.get("vision_seconds").asDouble()
              + per.get("prefill_seconds").asDouble()
              + per.get("decode_seconds").asDouble();
      assertTrue(
          per.get("vision_seconds").asDouble() > 0 && per.get("decode_seconds").asDouble() > 0,
          per.toString());
      assertTrue(
          p <= per.get("seconds").asDouble(),
          "the engine's phases fit in the benchmark's time: " + per);
      seconds += per.get("seconds").asDouble();
      phases += p;
    }
    assertEquals(seconds, out.get("seconds").asDouble(), 1e-9);
    assertEquals(
        phases,
        out.get("vision_seconds").asDouble()
            + out.get("prefill_seconds").asDouble()
            + out.get("decode_seconds").asDouble(),
        1e-9);
    assertEquals(
        out.get("samples").asDouble() / seconds, out.get("samples_per_s").asDouble(), 1e-9);
  }

  @Test
  void rejectsABadBatchSize() {
    Cli.Result r = Cli.run("throughput", "--model", MODEL, "--batch-size", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--batch-size must be >= 1"), r.err());
  }
}
