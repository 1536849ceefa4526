package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.jobs.testing.Repo;

/** The plan contract: cells, rows and the estimate of a sweep, and every problem with exit 1. */
class PlanCommandIT {
  @TempDir static Path tmp;
  static Path suite;
  static Path configOnly;

  @BeforeAll
  static void suite() throws Exception {
    suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 12);
    counts.put("shapes_gqa", 6);
    Repo.writeSuite(suite, counts, 3);
    // a model folder with nothing but its config: planning must not need the weights
    configOnly = tmp.resolve("config-only");
    Files.createDirectories(configOnly);
    Files.copy(Repo.FIXTURE_A.resolve("config.json"), configOnly.resolve("config.json"));
  }

  static Path sweep(String name, String models, String methods, String benchmarks)
      throws Exception {
    Path f = tmp.resolve(name + ".yaml");
    Files.writeString(
        f,
        String.join(
            "\n",
            "run_id: plan",
            "output: " + tmp.resolve(name + "-reports"),
            "models:",
            models,
            "methods: " + methods,
            "benchmarks:",
            benchmarks,
            "partitions: 4",
            ""));
    return f;
  }

  static String benchmarks() {
    return "  - {name: shapes_pope, path: "
        + suite.resolve("shapes_pope")
        + ", limit: 10}\n  - {name: shapes_gqa, path: "
        + suite.resolve("shapes_gqa")
        + "}";
  }

  @Test
  void aRunnableSweepIsCountedAndEstimated() throws Exception {
    Path bench = tmp.resolve("bench.json");
    Files.writeString(
        bench,
        "{\"method\":\"vanilla\",\"vision_ms\":20,\"llm_total_ms\":80}\n"
            + "{\"method\":\"v2drop@budget:70%\",\"vision_ms\":20,\"llm_total_ms\":30}\n");
    Path f =
        sweep(
            "good",
            "  - {name: tiny, path: " + configOnly + "}",
            "[vanilla, \"v2drop@budget:70%\"]",
            benchmarks());
    Cli.Result r =
        Cli.run(
            "plan",
            "--sweep",
            f.toString(),
            "--json",
            "--executors",
            "2",
            "--latency",
            bench.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode p = new ObjectMapper().readTree(r.out());
    assertEquals(6, p.get("models").get(0).get("layers").asInt());
    assertEquals(10, p.get("benchmarks").get(0).get("samples").asInt(), "limit applied");
    assertEquals(6, p.get("benchmarks").get(1).get("samples").asInt());
    assertEquals(4, p.get("cells").size());
    assertEquals(2 * (10 + 6), p.get("rows_to_generate").asInt());
    for (JsonNode c : p.get("cells")) {
      assertEquals("pending", c.get("state").asText(), c.toString());
    }
    JsonNode e = p.get("estimate");
    // (10 + 6) samples at 100 ms (vanilla) and at 50 ms (v2drop)
    assertEquals(16 * 0.1 + 16 * 0.05, e.get("executor_seconds").asDouble(), 1e-9);
    assertEquals(
        e.get("executor_seconds").asDouble() / 2, e.get("ideal_wall_seconds").asDouble(), 1e-9);
    // 4 tasks per pass on 2 executors: 2 full waves, nothing idle
    assertEquals(0.0, e.get("idle_fraction").asDouble(), 1e-9);
    assertEquals(0, p.get("problems").size());

    Cli.Result text = Cli.run("plan", "--sweep", f.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("problems: none"), text.out());
    assertTrue(text.out().contains("prediction rows to generate: 32"), text.out());
  }

  @Test
  void everyProblemARunWouldHitIsListedAndTheExitStatusIsOne() throws Exception {
    Path badShard = tmp.resolve("bad/data/test-00000-of-00001.parquet");
    Files.createDirectories(badShard.getParent());
    Files.copy(
        Files.list(suite.resolve("shapes_gqa/testdev_balanced_instructions"))
            .filter(x -> x.toString().endsWith(".parquet"))
            .findFirst()
            .orElseThrow(),
        badShard);
    Path f =
        sweep(
            "bad",
            "  - {name: tiny, path: "
                + configOnly
                + "}\n  - {name: gone, path: "
                + tmp.resolve("no-such-model")
                + "}",
            "[vanilla, \"v2drop@budget:192\"]",
            benchmarks()
                + "\n  - {name: shapes_pope, path: "
                + tmp.resolve("bad")
                + "}\n  - {name: videomme, path: "
                + Path.of("src/test/resources/video-layouts/Video-MME").toAbsolutePath()
                + ", videos: "
                + tmp.resolve("no-videos")
                + "}");
    Cli.Result r = Cli.run("plan", "--sweep", f.toString(), "--json");
    assertEquals(1, r.code(), r.out() + r.err());
    String problems = new ObjectMapper().readTree(r.out()).get("problems").toString();
    assertTrue(problems.contains("model gone: cannot read"), problems);
    assertTrue(
        problems.contains(
            "model tiny (6 decoder layers): v2drop@budget:192: budget 192 (33.3%) is" + " below"),
        problems);
    assertTrue(problems.contains("needs column 'question_id'"), problems);
    assertTrue(
        problems.contains(
            "benchmark videomme: no videos at "
                + tmp.resolve("no-videos")
                + " (neither a folder of them nor zip archives)"),
        problems);

    Path unknown =
        sweep("unknown", "  - {name: tiny, path: " + configOnly + "}", "[nope]", benchmarks());
    Cli.Result u = Cli.run("plan", "--sweep", unknown.toString());
    assertEquals(1, u.code());
    assertTrue(u.out().contains("unknown method 'nope'"), u.out());
  }
}
