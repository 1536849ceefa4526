package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The throughput contract: ONE JSON object counting every sample of the demo benchmarks, and the
 * same answers whether samples are generated one at a time or in batches.
 */
class ThroughputCommandIT {
  static final String MODEL =
      TraceCommandIT.ROOT.resolve("core/src/test/resources/fixtures/tiny-llava-a").toString();

  @TempDir Path tmp;

  JsonNode throughput(int batch, Path answers) throws Exception {
    TraceCommandIT.Result r =
        TraceCommandIT.run(
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
  }

  @Test
  void rejectsABadBatchSize() {
    TraceCommandIT.Result r =
        TraceCommandIT.run("throughput", "--model", MODEL, "--batch-size", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--batch-size must be >= 1"), r.err());
  }
}
