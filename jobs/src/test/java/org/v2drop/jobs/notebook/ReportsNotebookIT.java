package org.v2drop.jobs.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.eval.EvalJob;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.udf.ExecutorModelCache;

/**
 * Executes notebooks/reports.ipynb with nbconvert on freshly written reports, with the Python named
 * by V2DROP_PYTHON (default python3), which needs the packages of notebooks/requirements.txt
 * (.ci/run creates that environment). Without them the test fails and says how to create them; it
 * is skipped only when V2DROP_SKIP_NOTEBOOK is set, a choice made by whoever runs the build.
 */
class ReportsNotebookIT {

  @Test
  void notebookRunsOnTheReports(@TempDir Path tmp) throws Exception {
    String skip = System.getenv("V2DROP_SKIP_NOTEBOOK");
    Assumptions.assumeTrue(
        skip == null || skip.isEmpty(),
        "skipped because V2DROP_SKIP_NOTEBOOK is set (" + skip + "): the notebook did not run");
    String python = System.getenv().getOrDefault("V2DROP_PYTHON", "python3");
    String probeOut;
    boolean ready;
    try {
      Process probe =
          new ProcessBuilder(
                  python, "-c", "import pyarrow, pandas, matplotlib, nbconvert, ipykernel")
              .redirectErrorStream(true)
              .start();
      probeOut = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      ready = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (java.io.IOException e) {
      probeOut = e.getMessage();
      ready = false;
    }
    assertTrue(
        ready,
        python
            + " lacks the notebook packages (notebooks/requirements.txt): create them with `python3 -m"
            + " venv ENV && ENV/bin/pip install -r notebooks/requirements.txt` and set"
            + " V2DROP_PYTHON=ENV/bin/python (.ci/run does this), or set V2DROP_SKIP_NOTEBOOK=1 to skip"
            + " this test knowingly. Probe output: "
            + probeOut.strip());

    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 4);
    counts.put("shapes_video", 2);
    Repo.writeSuite(suite, counts, 1);
    Path reports = tmp.resolve("reports");
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("notebook-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      EvalJob.run(
          spark,
          new Sweep(
              "nb",
              reports.toString(),
              List.of(new Sweep.ModelRef("tiny-a", Repo.FIXTURE_A.toString())),
              List.of("vanilla", "v2drop@budget:70%", "fastv@budget:70%", "v2drop@budget:60%"),
              List.of(
                  new Sweep.BenchmarkRef(
                      "shapes_pope", suite.resolve("shapes_pope").toString(), null, 0),
                  new Sweep.BenchmarkRef(
                      "shapes_video", suite.resolve("shapes_video").toString(), null, 0)),
              Map.of("*", 2),
              1.0,
              2),
          false,
          m -> {});
    } finally {
      spark.stop();
      ExecutorModelCache.closeAll();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                python,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                Repo.ROOT.resolve("notebooks/reports.ipynb").toString(),
                "--output",
                tmp.resolve("executed.ipynb").toString())
            .redirectErrorStream(true);
    pb.environment().put("V2DROP_REPORTS", reports.toString());
    pb.environment().put("V2DROP_FIGURES", tmp.toString());
    pb.environment()
        .put(
            "V2DROP_PAPER_REFERENCE",
            Repo.ROOT.resolve("docs/reference/v2drop-paper-llava15-7b.csv").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nbconvert timed out");
    assertEquals(0, p.exitValue(), out);
    for (String fig :
        List.of(
            "accuracy_vs_tokens.png",
            "pareto_flops.png",
            "paper_reference.png",
            "latency_breakdown.png",
            "kept_positions.png")) {
      assertTrue(Files.size(tmp.resolve(fig)) > 1000, fig + " was not written");
    }
  }
}
