package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.v2drop.jobs.shapes.GeneratedTask;
import org.v2drop.jobs.shapes.ParquetTable;
import org.v2drop.jobs.shapes.PopeTask;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.jobs.testing.ReportRows;
import org.v2drop.udf.ExecutorModelCache;

/**
 * The sweep job on local[2]: report schemas, one row per sample, skip/force, determinism
 * (partitioning, passes in flight, reruns, batching), error rows.
 */
class EvalJobIT {
  static final Path MODEL = Repo.FIXTURE_A;
  static final List<String> METHODS = ReportRows.METHODS;

  @TempDir static Path tmp;

  static SparkSession spark;
  static Path suite;

  @BeforeAll
  static void start() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("eval-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 6);
    counts.put("shapes_mme", 2);
    counts.put("shapes_gqa", 3);
    counts.put("shapes_video", 2);
    Repo.writeSuite(suite, counts, 7);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    ExecutorModelCache.closeAll();
  }

  static Sweep sweep(
      String runId,
      Path out,
      int partitions,
      List<Sweep.BenchmarkRef> benchmarks,
      double threshold) {
    return new Sweep(
        runId,
        out.toString(),
        List.of(new Sweep.ModelRef("tiny-a", MODEL.toString())),
        METHODS,
        benchmarks,
        Map.of("*", 3),
        threshold,
        partitions);
  }

  static List<Sweep.BenchmarkRef> suiteBenchmarks() {
    List<Sweep.BenchmarkRef> out = new ArrayList<>();
    for (String b : List.of("shapes_pope", "shapes_mme", "shapes_gqa", "shapes_video")) {
      out.add(new Sweep.BenchmarkRef(b, suite.resolve(b).toString(), null, 0));
    }
    return out;
  }

  static List<String> predictionKeys(Path out, String runId) {
    return ReportRows.predictions(spark, out.toString(), runId);
  }

  @Test
  void writesOneRowPerSampleAndMethodWithPinnedSchemasAndSkipsCompleteCells() {
    Path out = tmp.resolve("reports");
    EvalJob.Result first =
        EvalJob.run(spark, sweep("r1", out, 3, suiteBenchmarks(), 0.0), false, m -> {});
    assertTrue(first.failedCells().isEmpty(), first.failedCells().toString());
    Dataset<Row> preds = spark.read().parquet(ReportPaths.predictions(out.toString()));
    assertEquals(
        List.of(
            "schedule",
            "sample_id",
            "prompt_hash",
            "response",
            "parsed",
            "score",
            "status",
            "error",
            "vision_tokens_per_layer",
            "prefill_ms",
            "decode_ms",
            "total_ms",
            "new_tokens",
            "flops",
            "executor_id",
            "device",
            "dtype",
            "vision_ms",
            "prompt_tokens",
            "mean_vision_tokens",
            "kept_positions",
            "vision_positions",
            "sample_json",
            "jvm_engine_loads",
            "batch_size",
            "frames",
            "run_id",
            "model",
            "benchmark",
            "method"),
        List.of(preds.columns()));
    long samples = 6 + 4 + 3 + 2; // MME counts images (2 rows each)
    assertEquals(samples * METHODS.size(), preds.count());
    assertEquals(
        samples * METHODS.size(),
        preds.select("benchmark", "method", "sample_id").distinct().count());
    assertEquals(0, preds.filter("status != 'ok'").count());
    assertEquals(
        samples * METHODS.size(),
        preds.filter("dtype = 'float32'").count(),
        "auto is float32 on a CPU executor");
    Row v2 = preds.filter("method = 'v2drop@2:0.5,4:0.25' and benchmark = 'shapes_pope'").first();
    assertEquals("v2drop@2:0.5,4:0.25", v2.getAs("schedule"));
    assertEquals(List.of(16, 16, 8, 8, 2, 2), v2.getList(v2.fieldIndex("vision_tokens_per_layer")));

    Dataset<Row> metrics = spark.read().parquet(ReportPaths.metrics(out.toString()));
    assertEquals(
        List.of(
            "schedule",
            "metric",
            "value",
            "value_ci_low",
            "value_ci_high",
            "samples",
            "errors",
            "samples_per_s",
            "latency_p50_ms",
            "latency_p95_ms",
            "mean_vision_tokens",
            "flops_ratio_vs_vanilla",
            "latency_ratio_vs_vanilla",
            "latency_ratio_ci_low",
            "latency_ratio_ci_high",
            "retained_pct",
            "retained_pct_ci_low",
            "retained_pct_ci_high",
            "is_main_metric",
            "run_id",
            "model",
            "benchmark",
            "method"),
        List.of(metrics.columns()));
    for (Row r : metrics.filter("method = 'vanilla' and value > 0").collectAsList()) {
      assertEquals(100.0, r.<Double>getAs("retained_pct"), 1e-9, r.toString());
      assertEquals(1.0, r.<Double>getAs("flops_ratio_vs_vanilla"), 1e-9);
    }
    Row v2Metric = metrics.filter("method = 'v2drop@2:0.5,4:0.25' and is_main_metric").first();
    assertTrue(v2Metric.<Double>getAs("flops_ratio_vs_vanilla") < 1.0, v2Metric.toString());
    assertEquals(4 * METHODS.size(), metrics.filter("is_main_metric").count());

    List<String> before = predictionKeys(out, "r1");
    EvalJob.Result again =
        EvalJob.run(spark, sweep("r1", out, 3, suiteBenchmarks(), 0.0), false, m -> {});
    assertEquals(
        4 * METHODS.size(), again.skippedCells().size(), "a rerun skips every complete cell");
    assertEquals(before, predictionKeys(out, "r1"));
  }

  /** A rerun aggregates only the model × benchmark groups whose cells it evaluated. */
  /**
   * A LLaVA-NeXT checkpoint runs the suite unchanged: each image tiled into its AnyRes grid (a
   * 96x96 image: the 56x56 grid of 28-px tiles, 8x8 features, 8 newlines, and the 16 base
   * features), the video's frames as images, every method.
   */
  @Test
  void aLlavaNextCheckpointSweepsTheSuite() {
    Path out = tmp.resolve("next-reports");
    Dataset<Row> preds = sweepSuite(out, "n", "tiny-llava-next", Repo.FIXTURE_LLAVA_NEXT);
    assertEquals((6 + 4 + 3 + 2) * METHODS.size(), preds.filter("status = 'ok'").count());
    assertEquals(8 * 8 + 8 + 16, promptVisionTokens(out, "n", "shapes_pope"));
    assertEquals(4 * (8 * 8 + 8 + 16), promptVisionTokens(out, "n", "shapes_video"));
  }

  /**
   * A Qwen2-VL checkpoint runs the same sweep unchanged: its family's prompts (the chat template
   * with image spans), the video task's frames as one video (a {@code <|video_pad|>} span), every
   * method, reports written.
   */
  @Test
  void aQwenCheckpointSweepsTheSuiteWithItsFamilysPrompts() {
    Path out = tmp.resolve("qwen-reports");
    Dataset<Row> preds = sweepSuite(out, "q", "tiny-qwen2vl", Repo.FIXTURE_QWEN2VL);
    long samples = 6 + 4 + 3 + 2;
    assertEquals(samples * METHODS.size(), preds.count());
    assertEquals(0, preds.filter("status != 'ok'").count(), "every row generated");
    assertEquals(samples * METHODS.size(), preds.filter("model = 'tiny-qwen2vl'").count());
    // a 96x96 image: smart-resized to 84x84 (6x6 patches) = 9 merged tokens; the video's 4 frames
    // of 96x96 under the video processor's max_pixels 6272: 56x56 (4x4 patches, 4 merged tokens)
    // per temporal patch of 2 frames = 8 tokens (as 4 images they would be 36)
    assertEquals(9, promptVisionTokens(out, "q", "shapes_pope"));
    assertEquals(8, promptVisionTokens(out, "q", "shapes_video"));
    Row v2 = preds.filter("benchmark = 'shapes_pope' and method = 'v2drop@2:0.5,4:0.25'").first();
    List<Object> perLayer = v2.getList(v2.fieldIndex("vision_tokens_per_layer"));
    assertEquals(6, perLayer.size(), "the Qwen checkpoint's 6 decoder layers");
    assertTrue(
        ((Integer) perLayer.get(2)) > (Integer) perLayer.get(5), "tokens dropped: " + perLayer);
    Dataset<Row> metrics = spark.read().parquet(ReportPaths.metrics(out.toString()));
    assertEquals(
        4L * METHODS.size(),
        metrics
            .filter("run_id = 'q' and model = 'tiny-qwen2vl'")
            .select("benchmark", "method")
            .distinct()
            .count(),
        "metrics for every benchmark and method");

    // the sweep's pixel bounds override the checkpoint's: max_pixels 4000 makes a 96x96 image 56x56
    // (4 merged tokens, not 9); a LLaVA checkpoint refuses them before any work
    Sweep small =
        new Sweep(
            "q2",
            out.toString(),
            List.of(
                new Sweep.ModelRef(
                    "tiny-qwen2vl-small",
                    Repo.FIXTURE_QWEN2VL.toString(),
                    "auto",
                    new org.v2drop.core.family.ProcessorOverrides(0, 4000))),
            METHODS.subList(0, 1),
            List.of(
                suiteBenchmarks().get(0),
                new Sweep.BenchmarkRef(
                    "shapes_video", suite.resolve("shapes_video").toString(), null, 0, 2, null)),
            Map.of("*", 3),
            0.0,
            1);
    assertTrue(EvalJob.run(spark, small, false, m -> {}).failedCells().isEmpty());
    // frames: 2 takes 2 of the 4 frames (one temporal patch), each 56x56 under max_pixels 4000
    assertEquals(4, promptVisionTokens(out, "q2", "shapes_video"));
    assertEquals(4, promptVisionTokens(out, "q2", "shapes_pope"));
    Sweep llava =
        new Sweep(
            "q3",
            out.toString(),
            List.of(
                new Sweep.ModelRef(
                    "tiny-a",
                    MODEL.toString(),
                    "auto",
                    new org.v2drop.core.family.ProcessorOverrides(0, 3136))),
            METHODS.subList(0, 1),
            suiteBenchmarks().subList(0, 1),
            Map.of("*", 3),
            0.0,
            1);
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class, () -> EvalJob.run(spark, llava, false, m -> {}));
    assertTrue(
        refused.getMessage().contains("model tiny-a")
            && refused.getMessage().contains("min_pixels / max_pixels apply to dynamic-resolution"),
        refused.getMessage());
  }

  /**
   * The suite swept with every method by one checkpoint into {@code out}, no cell failing; the
   * run's predictions.
   */
  private static Dataset<Row> sweepSuite(Path out, String runId, String model, Path checkpoint) {
    Sweep sweep =
        new Sweep(
            runId,
            out.toString(),
            List.of(new Sweep.ModelRef(model, checkpoint.toString())),
            METHODS,
            suiteBenchmarks(),
            Map.of("*", 3),
            0.0,
            2);
    EvalJob.Result r = EvalJob.run(spark, sweep, false, m -> {});
    assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
    return spark
        .read()
        .parquet(ReportPaths.predictions(out.toString()))
        .filter("run_id = '" + runId + "'");
  }

  /** The vision tokens of the first vanilla prediction of a run's benchmark, before any drop. */
  private static int promptVisionTokens(Path out, String runId, String benchmark) {
    Row r =
        spark
            .read()
            .parquet(ReportPaths.predictions(out.toString()))
            .filter(
                "run_id = '"
                    + runId
                    + "' and benchmark = '"
                    + benchmark
                    + "' and method = 'vanilla'")
            .first();
    return (Integer) r.getList(r.fieldIndex("vision_tokens_per_layer")).get(0);
  }

  @Test
  void onlyTheGroupsARunChangedAreAggregatedAgain() throws Exception {
    Path out = tmp.resolve("touched");
    List<Sweep.BenchmarkRef> b = suiteBenchmarks().subList(0, 2); // shapes_pope, shapes_mme
    EvalJob.run(spark, sweep("t", out, 2, b, 0.0), false, m -> {});
    Path metrics = out.resolve("metrics/run_id=t/model=tiny-a");
    java.util.function.Function<String, Long> stamp =
        cell -> {
          try {
            return java.nio.file.Files.getLastModifiedTime(
                    metrics.resolve("benchmark=" + cell + "/method=vanilla/_SUCCESS"))
                .toMillis();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    long pope = stamp.apply("shapes_pope");
    long mme = stamp.apply("shapes_mme");
    Thread.sleep(1100); // file times have a one-second resolution on some file systems
    EvalJob.Result again = EvalJob.run(spark, sweep("t", out, 2, b, 0.0), false, m -> {});
    assertEquals(2 * METHODS.size(), again.skippedCells().size());
    assertEquals(pope, stamp.apply("shapes_pope"), "nothing evaluated, nothing aggregated");
    assertEquals(
        4 * 2,
        again.metrics().stream().filter(MetricRow::main).count() / 1 * 1,
        "the summary still lists every cell");
    Path fastv =
        out.resolve(
            CellWriter.cellPath("predictions", "t", "tiny-a", "shapes_pope", "fastv@2:0.5"));
    assertTrue(java.nio.file.Files.isDirectory(fastv), fastv.toString());
    org.apache.commons.io.FileUtils.deleteDirectory(fastv.toFile());
    EvalJob.run(spark, sweep("t", out, 2, b, 0.0), false, m -> {});
    assertTrue(stamp.apply("shapes_pope") > pope, "the group of the recomputed cell");
    assertEquals(mme, stamp.apply("shapes_mme"), "the other group is left alone");
  }

  /**
   * A sweep in float16 records it in every row; a rerun of the run id asking another dtype stops
   * before any work instead of keeping the float16 cells.
   */
  @Test
  void halfPrecisionSweepsRecordTheirDtypeAndARerunInAnotherDtypeStops() {
    Path out = tmp.resolve("fp16");
    Sweep sweep =
        new Sweep(
            "h",
            out.toString(),
            List.of(new Sweep.ModelRef("tiny-a", MODEL.toString(), "float16")),
            List.of("vanilla", "v2drop@2:0.5,4:0.25"),
            suiteBenchmarks().subList(0, 1),
            Map.of("*", 3),
            0.0,
            2);
    EvalJob.Result r = EvalJob.run(spark, sweep, false, m -> {});
    assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
    Dataset<Row> preds =
        spark.read().parquet(ReportPaths.predictions(out.toString())).filter("run_id = 'h'");
    assertEquals(2 * 6, preds.count());
    assertEquals(
        List.of("float16"),
        preds.select("dtype").distinct().collectAsList().stream()
            .map(x -> x.getString(0))
            .toList());
    assertEquals(0, preds.filter("status != 'ok'").count());
    List<String> before = predictionKeys(out, "h");
    org.v2drop.jobs.sweep.SweepException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.v2drop.jobs.sweep.SweepException.class,
            () -> EvalJob.run(spark, sweep.withDtype("float32"), false, m -> {}));
    assertTrue(
        e.getMessage()
            .contains(
                "model tiny-a: run h has committed cells computed in float16 but the sweep asks"
                    + " for float32"),
        e.getMessage());
    assertEquals(before, predictionKeys(out, "h"), "nothing was recomputed");
    assertEquals(
        2, EvalJob.run(spark, sweep, false, m -> {}).skippedCells().size(), "same dtype: kept");
  }

  @Test
  void aMethodTheModelCannotRunFailsBeforeAnyWork() {
    Path out = tmp.resolve("unreachable");
    Sweep sweep =
        new Sweep(
            "u",
            out.toString(),
            List.of(new Sweep.ModelRef("tiny-a", MODEL.toString())),
            List.of("vanilla", "v2drop@budget:192"),
            suiteBenchmarks(),
            Map.of("*", 2),
            0.0,
            2);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> EvalJob.run(spark, sweep, false, m -> {}));
    assertTrue(
        e.getMessage().contains("model tiny-a (6 decoder layers)")
            && e.getMessage().contains("is below what a model of 6 layers keeps"),
        e.getMessage());
    assertFalse(java.nio.file.Files.exists(out.resolve("predictions")), "nothing was evaluated");
  }

  @Test
  void predictionsDoNotDependOnPartitioningOrReruns() {
    List<Sweep.BenchmarkRef> b = suiteBenchmarks().subList(0, 2);
    Path one = tmp.resolve("p1");
    EvalJob.run(spark, sweep("d", one, 1, b, 0.0).withPassesInFlight(1), false, m -> {});
    List<String> a = predictionKeys(one, "d");
    assertFalse(a.isEmpty());
    ReportRows.assertDiscriminating(spark, one.toString(), "d");
    for (int partitions : new int[] {2, 8}) {
      Path many = tmp.resolve("p" + partitions);
      EvalJob.run( // and the passes overlapping
          spark,
          sweep("d", many, partitions, b, 0.0).withPassesInFlight(partitions == 2 ? 2 : 3),
          false,
          m -> {});
      assertEquals(
          a, predictionKeys(many, "d"), partitions + " partitions give the predictions of 1");
    }
    EvalJob.run(spark, sweep("d", one, 3, b, 0.0), true, m -> {});
    assertEquals(a, predictionKeys(one, "d"), "a forced rerun gives the same predictions");
  }

  @Test
  void batchesGiveTheAnswersOfOneAtATimeWhateverThePartitioning() {
    Path alone = tmp.resolve("b1");
    EvalJob.run(spark, sweep("b", alone, 2, suiteBenchmarks(), 0.0), false, m -> {});
    List<String> expected = predictionKeys(alone, "b");
    ReportRows.assertDiscriminating(spark, alone.toString(), "b");
    for (int partitions : new int[] {1, 3}) {
      Path out = tmp.resolve("b4-" + partitions);
      EvalJob.run(
          spark,
          sweep("b", out, partitions, suiteBenchmarks(), 0.0).withBatchSize(4),
          false,
          m -> {});
      assertEquals(
          expected, predictionKeys(out, "b"), "batches of 4 on " + partitions + " partition(s)");
      List<Integer> sizes = new ArrayList<>();
      for (Row r :
          spark
              .read()
              .parquet(ReportPaths.predictions(out.toString()))
              .filter("benchmark = 'shapes_pope' and method = 'vanilla'")
              .select("batch_size")
              .collectAsList()) {
        sizes.add(r.getInt(0));
      }
      sizes.sort(Integer::compareTo);
      assertEquals(List.of(2, 2, 4, 4, 4, 4), sizes, "6 samples in batches of 4 and 2");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void badRowsBecomeErrorRowsAndTheThresholdFailsTheCell(int batchSize) throws Exception {
    GeneratedTask g = ShapesSuite.generate(new PopeTask(), "test", 7, 3);
    Map.Entry<String, ParquetTable> file = g.files().entrySet().iterator().next();
    List<Map<String, Object>> rows = new ArrayList<>(file.getValue().rows());
    Map<String, Object> broken = new LinkedHashMap<>(rows.get(1));
    broken.put(
        "image",
        new ParquetTable.Image(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1}, "broken.png"));
    rows.set(1, broken);
    Map<String, Object> missing = new LinkedHashMap<>(rows.get(2));
    missing.remove("image");
    rows.set(2, missing);
    Map<String, Object> noQuestion = new LinkedHashMap<>(rows.get(3));
    noQuestion.put("question", null);
    rows.set(3, noQuestion);
    Map<String, Object> noAnswer = new LinkedHashMap<>(rows.get(4));
    noAnswer.put("answer", null);
    rows.set(4, noAnswer);
    Path root = tmp.resolve("bad_pope" + batchSize);
    new ParquetTable(file.getValue().schema(), rows)
        .write(
            new org.apache.hadoop.fs.Path(root.resolve(file.getKey()).toUri()),
            new Configuration());
    Path out = tmp.resolve("bad-reports" + batchSize);
    EvalJob.Result r =
        EvalJob.run(
            spark,
            new Sweep(
                "bad",
                out.toString(),
                List.of(new Sweep.ModelRef("tiny-a", MODEL.toString())),
                List.of("vanilla"),
                List.of(new Sweep.BenchmarkRef("shapes_pope", root.toString(), null, 0)),
                Map.of("*", 2),
                0.2,
                2,
                batchSize),
            false,
            m -> {});
    Dataset<Row> preds = spark.read().parquet(ReportPaths.predictions(out.toString()));
    assertEquals(7, preds.count(), "nothing is silently dropped");
    assertEquals(3, preds.filter("status = 'ok'").count(), "the rest of the cell completes");
    List<Row> errors = preds.filter("status = 'error'").collectAsList();
    assertEquals(4, errors.size());
    Set<String> messages = new TreeSet<>();
    errors.forEach(e -> messages.add(e.getAs("error")));
    assertTrue(
        messages.stream()
            .anyMatch(
                m ->
                    m.contains("corrupt or unsupported image")
                        || m.contains("not a decodable image")),
        messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.contains("missing image")), messages.toString());
    assertTrue(
        messages.stream().anyMatch(m -> m.contains("column 'question' is missing or null")),
        messages.toString());
    assertTrue(
        messages.stream().anyMatch(m -> m.contains("column 'answer' is missing or null")),
        messages.toString());
    assertEquals(1, r.failedCells().size(), "4/7 errors exceed the 0.2 threshold");
    Row main =
        spark.read().parquet(ReportPaths.metrics(out.toString())).filter("is_main_metric").first();
    assertEquals(4L, main.<Long>getAs("errors"));
    assertEquals(7L, main.<Long>getAs("samples"));
    List<org.v2drop.core.bench.Scored> ok = new ArrayList<>();
    for (Row p : preds.filter("status = 'ok'").collectAsList()) {
      String id = p.getAs("sample_id");
      ok.add(
          new org.v2drop.core.bench.Scored(
              org.v2drop.core.bench.Sample.textOnly(
                  id,
                  org.v2drop.core.bench.Sample.columnsFromJson(id, p.getAs("sample_json")),
                  "t"),
              p.getAs("response"),
              new org.v2drop.core.bench.SampleScore(p.<Double>getAs("score"), p.getAs("parsed"))));
    }
    double f1 =
        org.v2drop.core.bench.Benchmarks.SHAPES_POPE.aggregate(ok).get(main.getAs("metric"));
    assertEquals(f1, main.<Double>getAs("value"), 1e-12, "the metric is over the 3 ok rows only");
  }
}
