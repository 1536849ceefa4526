package org.v2drop.jobs.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.eval.ReportPaths;

/**
 * The scale harness at a small size (tools/scale_bench.sh runs it at full size): every cell of the
 * sweep is evaluated by the engine double on local-cluster executors, one row per sample and
 * method, no error rows, and two passes run at once.
 */
class ScaleRunIT {
  @TempDir Path tmp;

  @Test
  void aSmallSweepRunsThroughTheEngineDouble() throws Exception {
    int methods = 2;
    ScaleRun.Measured m = ScaleRun.run(tmp, 0.001, 1, methods, 2, 1024, 2, msg -> {});
    assertTrue(m.samples() > 30, "samples written: " + m.samples());
    assertEquals(m.samples() * methods, m.rows(), "one row per sample and method");
    assertEquals(ScaleRun.REAL_ROWS.size() * methods, m.cells());
    assertEquals(2, m.maxPassesRunning(), "the next pass starts before the one before ends");
    assertTrue(m.heapLiveMaxBytes() > 0 && m.jobs() > 0 && m.taskMs() > 0, m.json());

    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("scale-check")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      Set<String> responses = new TreeSet<>();
      for (Row r :
          spark
              .read()
              .parquet(ReportPaths.predictions(tmp.resolve("reports").toString()))
              .select("response")
              .distinct()
              .collectAsList()) {
        responses.add(r.getString(0));
      }
      assertTrue(
          EngineDouble.WORDS.containsAll(responses) && responses.size() > 2,
          "every answer is one of the double's words: " + responses);
      List<Row> loads =
          spark
              .read()
              .parquet(ReportPaths.predictions(tmp.resolve("reports").toString()))
              .selectExpr("max(jvm_engine_loads)")
              .collectAsList();
      assertEquals(1, loads.get(0).getInt(0), "one engine per executor JVM for the one model");
    } finally {
      spark.stop();
    }
  }
}
