package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.testing.Cli;

class ScoreCommandTest {
  @TempDir Path dir;

  @Test
  void scoresTextVqaInInputOrderWithMetrics() throws Exception {
    Path in = dir.resolve("p.jsonl");
    Files.writeString(
        in,
        """
        {"question_id": 1, "answers": ["two", "2", "2", "2", "two", "2", "2", "2", "2", "2"], "response": "Two."}
        {"question_id": 2, "answers": ["red", "red", "blue", "red", "red", "red", "red", "red", "red", "red"], "response": "blue"}

        """);
    Cli.Result r = Cli.run("score", "--benchmark", "textvqa_val", "--input", in.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode out = new ObjectMapper().readTree(r.out());
    assertEquals("textvqa_val", out.get("benchmark").asText());
    assertEquals(2, out.get("samples").size());
    assertEquals(1.0, out.get("samples").get(0).get("score").asDouble());
    assertEquals("2", out.get("samples").get(0).get("parsed").asText());
    assertEquals(0.3, out.get("samples").get(1).get("score").asDouble(), 1e-9);
    assertEquals(0.65, out.get("metrics").get("vqa_accuracy").asDouble(), 1e-9);
  }

  @Test
  void scoresPopeMmeSqaMmbench() throws Exception {
    Path pope = dir.resolve("pope.jsonl");
    Files.writeString(
        pope,
        """
        {"question_id": "1", "answer": "yes", "category": "random", "response": "Yes"}
        {"question_id": "2", "answer": "no", "category": "random", "response": "No."}
        """);
    JsonNode p =
        new ObjectMapper()
            .readTree(Cli.run("score", "--benchmark", "pope", "--input", pope.toString()).out());
    assertEquals(0.5, p.get("metrics").get("accuracy").asDouble());
    assertEquals("no.", p.get("samples").get(1).get("parsed").asText());
    Path mmb = dir.resolve("mmb.jsonl");
    Files.writeString(
        mmb,
        """
        {"index": 3, "answer": "B", "A": "cat", "B": "dog", "C": null, "D": "nan", "category": "c", "response": "(B)"}
        {"index": 1000003, "answer": "A", "A": "dog", "B": "cat", "C": null, "D": "nan", "category": "c", "response": "A"}
        """);
    JsonNode m =
        new ObjectMapper()
            .readTree(
                Cli.run("score", "--benchmark", "mmbench_en_dev", "--input", mmb.toString()).out());
    assertEquals(1.0, m.get("metrics").get("circular_accuracy").asDouble());
    assertEquals("B", m.get("samples").get(0).get("parsed").asText());
    Path sqa = dir.resolve("sqa.jsonl");
    Files.writeString(
        sqa, "{\"answer\": 1, \"choices\": [\"x\", \"y\"], \"response\": \"B. y\"}\n");
    JsonNode s =
        new ObjectMapper()
            .readTree(
                Cli.run("score", "--benchmark", "scienceqa_img", "--input", sqa.toString()).out());
    assertEquals(1.0, s.get("samples").get(0).get("score").asDouble());
  }

  @Test
  void badLinesNameFileLineAndColumn() throws Exception {
    Path in = dir.resolve("bad.jsonl");
    Files.writeString(in, "{\"answer\": \"yes\", \"response\": \"yes\"}\n{\"answer\": \"yes\"}\n");
    Cli.Result r = Cli.run("score", "--benchmark", "pope", "--input", in.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("bad.jsonl:2: missing string field 'response'"), r.err());
    Files.writeString(in, "{\"response\": \"yes\"}\n");
    Cli.Result col = Cli.run("score", "--benchmark", "pope", "--input", in.toString());
    assertTrue(
        col.err().contains("bad.jsonl:1: sample bad.jsonl:1: column 'answer' is missing or null")
            || col.err().contains("column 'answer' is missing or null"),
        col.err());
    Cli.Result unknown = Cli.run("score", "--benchmark", "nope", "--input", in.toString());
    assertTrue(unknown.err().contains("unknown benchmark 'nope'"), unknown.err());
  }
}
