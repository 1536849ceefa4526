package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.udf.ExecutorModelCache;

/**
 * The README's main command: suite, demo model, every method, embedded Spark, reports and the
 * summary table.
 */
class DemoCommandIT {
  @AfterAll
  static void release() {
    ExecutorModelCache.closeAll();
  }

  @Test
  void demoWritesReportsAndPrintsTheSummary(@TempDir Path tmp) throws Exception {
    Path model =
        Path.of(System.getProperty("user.dir")).getParent().resolve(DemoCommand.DEFAULT_MODEL);
    Cli.Result r =
        Cli.run("demo", "--out", tmp.toString(), "--model", model.toString(), "--limit", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("run demo: reports under " + tmp), r.out());
    Path page = tmp.resolve("report/demo/index.html");
    assertTrue(r.out().contains("report page: " + page), r.out());
    assertTrue(java.nio.file.Files.readString(page).contains("<h2>Every cell</h2>"), "the page");
    for (String method : DemoCommand.methods(8)) {
      assertTrue(
          r.out().contains(method.length() > 30 ? method.substring(0, 29) : method),
          method + "\n" + r.out());
    }
    for (String b :
        new String[] {
          "shapes_pope",
          "shapes_mme",
          "shapes_gqa",
          "shapes_textvqa",
          "shapes_sqa",
          "shapes_mmbench",
          "shapes_video"
        }) {
      assertTrue(r.out().contains(b), b);
      assertTrue(
          Files.isDirectory(
              tmp.resolve("predictions/run_id=demo/model=shapes-llava-v2/benchmark=" + b)),
          b);
    }
    assertTrue(Files.isDirectory(tmp.resolve("metrics/run_id=demo")));
    assertEquals(
        List.of(
            "vanilla",
            "v2drop@budget:50%",
            "fastv@budget:50%",
            "pdrop@budget:50%",
            "random@budget:50%",
            "v2drop@budget:40%",
            "fastv@budget:40%",
            "pdrop@budget:40%",
            "random@budget:40%"),
        DemoCommand.methods(8),
        "every method at the same budgets");
    assertEquals(
        List.of("192", "128", "64"), DemoCommand.budgets(32), "the paper's where they fit");
    for (String budget : List.of("50%", "40%")) {
      assertTrue(
          r.out().contains("shapes-llava-v2 at budget " + budget), "side by side:\n" + r.out());
    }
    assertTrue(r.out().contains("value ±95%"), r.out());
    assertTrue(Files.isRegularFile(tmp.resolve("suite/_prompts/test.parquet")));
    Cli.Result again =
        Cli.run("demo", "--out", tmp.toString(), "--model", model.toString(), "--limit", "2");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("skipped 63 complete cell(s)"), again.err());
  }
}
