package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.sweep.SweepException;
import org.v2drop.jobs.sweep.SweepParser;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.udf.ExecutorModelCache;

/**
 * MVBench as lmms-eval reads it, and Video-MME in its published layout (text Parquet written by HF
 * datasets, videos under {@code data/} or still in {@code videos_chunked_NN.zip};
 * tools/make_video_layouts.py) through a sweep with a LLaVA checkpoint on local[2]: frames decoded
 * from the files, bad videos as error rows, zipped and unzipped copies alike, per-duration metrics
 * as a direct computation gives them.
 */
class VideoBenchmarksIT {
  static final Path LAYOUTS = Path.of("src/test/resources/video-layouts");
  static final List<String> METHODS = List.of("vanilla", "v2drop@2:0.5,4:0.25");

  /** question id → why it fails (tools/make_video_layouts.py). */
  static final Map<String, String> BAD =
      Map.of(
          "005-1", "no video vid_missing.mp4 / vid_missing.MP4 / vid_missing.mkv",
          "006-1", "empty file",
          "007-1", "not a readable video container",
          "008-1", "not a readable video container");

  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("videomme-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
    ExecutorModelCache.closeAll();
  }

  static Sweep sweep(String runId, Path out, String copy, String videos) {
    return sweep(runId, out, "videomme", copy, videos);
  }

  static Sweep sweep(String runId, Path out, String benchmark, String copy, String videos) {
    return new Sweep(
        runId,
        out.toString(),
        List.of(new Sweep.ModelRef("tiny-a", Repo.FIXTURE_A.toString())),
        METHODS,
        List.of(
            new Sweep.BenchmarkRef(
                benchmark, LAYOUTS.resolve(copy).toAbsolutePath().toString(), null, 0, 4, videos)),
        Map.of("*", 3),
        0.5,
        2);
  }

  @Test
  void sweepsTheRealLayoutUnzippedAndZipped() throws Exception {
    Path out = tmp.resolve("reports");
    EvalJob.Result plain =
        EvalJob.run(spark, sweep("plain", out, "Video-MME", null), false, m -> {});
    assertTrue(plain.failedCells().isEmpty(), plain.failedCells().toString());
    EvalJob.Result zipped =
        EvalJob.run(spark, sweep("zipped", out, "Video-MME-zipped", null), false, m -> {});
    assertTrue(zipped.failedCells().isEmpty(), zipped.failedCells().toString());

    Dataset<Row> preds = spark.read().parquet(ReportPaths.predictions(out.toString()));
    for (String run : List.of("plain", "zipped")) {
      List<Row> rows = preds.filter("run_id = '" + run + "'").collectAsList();
      assertEquals(10 * METHODS.size(), rows.size(), run + ": a row per question and method");
      for (Row r : rows) {
        String id = r.getAs("sample_id");
        assertEquals(4, (int) r.<Integer>getAs("frames"), "the sweep's frame count is recorded");
        if (BAD.containsKey(id)) {
          assertEquals("error", r.getAs("status"), id);
          String error = r.getAs("error");
          assertTrue(error.contains(BAD.get(id)) && error.contains("videomme sample " + id), error);
        } else {
          assertEquals("ok", r.getAs("status"), id + ": " + r.getAs("error"));
          // the frames went in as 4 images of tiny-a's 16 vision tokens each
          assertEquals(4 * 16, r.getList(r.fieldIndex("vision_positions")).size(), id);
        }
      }
    }
    // the same frames whether the videos were zipped or not: the same prompts and answers
    assertEquals(
        answers(preds, "plain"), answers(preds, "zipped"), "zipped and unzipped copies agree");

    // per-duration / task-type accuracies are the means of the ok rows' scores in each group
    Dataset<Row> metrics = spark.read().parquet(ReportPaths.metrics(out.toString()));
    ObjectMapper json = new ObjectMapper();
    for (String method : METHODS) {
      Map<String, double[]> direct = new TreeMap<>();
      for (Row r :
          preds
              .filter("run_id = 'plain' and status = 'ok' and method = '" + method + "'")
              .collectAsList()) {
        JsonNode s = json.readTree((String) r.getAs("sample_json"));
        double score = r.<Double>getAs("score");
        for (String g : List.of("duration", "domain", "sub_category", "task_type")) {
          double[] acc = direct.computeIfAbsent(g + "/" + s.get(g).asText(), k -> new double[2]);
          acc[0] += score;
          acc[1]++;
        }
      }
      Map<String, Double> reported = new HashMap<>();
      for (Row m :
          metrics.filter("run_id = 'plain' and method = '" + method + "'").collectAsList()) {
        reported.put(m.getAs("metric"), m.getAs("value"));
      }
      assertTrue(direct.containsKey("duration/long") && direct.containsKey("duration/medium"));
      for (Map.Entry<String, double[]> e : direct.entrySet()) {
        assertEquals(
            e.getValue()[0] / e.getValue()[1],
            reported.get(e.getKey()),
            1e-12,
            method + " " + e.getKey());
      }
    }
  }

  @Test
  void aSweepNamesItsVideosAndRefusesThemForImageBenchmarks() throws Exception {
    Path out = tmp.resolve("named");
    String videos =
        LAYOUTS.resolve("Video-MME-zipped/videos_chunked_*.zip").toAbsolutePath().toString();
    EvalJob.Result r = EvalJob.run(spark, sweep("named", out, "Video-MME", videos), false, m -> {});
    assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
    Dataset<Row> preds = spark.read().parquet(ReportPaths.predictions(out.toString()));
    assertEquals(6 * METHODS.size(), preds.filter("status = 'ok'").count());

    Path yaml = tmp.resolve("bad.yaml");
    Files.writeString(
        yaml,
        "run_id: x\noutput: "
            + out
            + "\nmodels: [{name: m, path: /m}]\nmethods: [vanilla]\n"
            + "benchmarks: [{name: pope, path: /p, videos: /v}]\n");
    SweepException e = assertThrows(SweepException.class, () -> SweepParser.parse(yaml));
    assertTrue(e.getMessage().contains("pope has no video files"), e.getMessage());
  }

  @Test
  void anArchiveThatEscapesItsFolderFailsEveryVideoSampleNotTheJob() {
    Path out = tmp.resolve("escaping");
    String videos = LAYOUTS.resolve("escaping.zip").toAbsolutePath().toString();
    EvalJob.Result r = EvalJob.run(spark, sweep("esc", out, "Video-MME", videos), false, m -> {});
    assertEquals(METHODS.size(), r.failedCells().size(), "every sample failed: the cells fail");
    Dataset<Row> preds = spark.read().parquet(ReportPaths.predictions(out.toString()));
    Row first = preds.filter("run_id = 'esc'").first();
    assertEquals("error", first.getAs("status"));
    String error = first.getAs("error");
    assertTrue(error.contains("escapes the archive's folder; refusing the archive"), error);
    assertNull(first.getAs("response"));
  }

  /**
   * {@code subtitles: true} evaluates lmms-eval's with-subtitle variant: the subtitles read from
   * the copy's {@code subtitle/} folder or its {@code subtitle.zip}, alike.
   */
  @Test
  void subtitlesTrueIsTheWithSubtitleVariant() throws Exception {
    Path out = tmp.resolve("subtitled");
    java.util.Set<String> hashes = new java.util.TreeSet<>();
    for (String copy : List.of("Video-MME", "Video-MME-zipped")) {
      Path yaml = tmp.resolve(copy + ".yaml");
      Files.writeString(
          yaml,
          "run_id: sub-"
              + copy
              + "\noutput: "
              + out
              + "\nmodels: [{name: tiny-a, path: "
              + Repo.FIXTURE_A
              + "}]\nmethods: [vanilla]\nerror_rate_threshold: 0.5\n"
              + "generation: {max_new_tokens: 3}\n"
              + "benchmarks: [{name: videomme, subtitles: true, frames: 4, path: "
              + LAYOUTS.resolve(copy).toAbsolutePath()
              + "}]\n");
      Sweep sweep = SweepParser.parse(yaml);
      assertEquals("videomme_w_subtitle", sweep.benchmarks().get(0).name());
      EvalJob.Result r = EvalJob.run(spark, sweep, false, m -> {});
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      Dataset<Row> preds =
          spark
              .read()
              .parquet(ReportPaths.predictions(out.toString()))
              .filter("run_id = 'sub-" + copy + "' and status = 'ok'");
      assertEquals(6, preds.count());
      for (Row row : preds.orderBy("sample_id").collectAsList()) {
        hashes.add(row.getAs("sample_id") + " " + row.getAs("prompt_hash"));
      }
    }
    assertEquals(6, hashes.size(), "the same prompts from the folder and the zip: " + hashes);
  }

  /**
   * MVBench: questions from one JSON per subtask, videos under the subtask's folder (mp4s, and a
   * folder of frames), a question whose video is missing and one whose answer is no candidate as
   * error rows; per-subtask accuracies over the non-empty answers and their mean.
   */
  @Test
  void mvbenchAsLmmsEvalReadsIt() throws Exception {
    Path out = tmp.resolve("mvbench");
    EvalJob.Result r =
        EvalJob.run(spark, sweep("mv", out, "mvbench", "MVBench", null), false, m -> {});
    assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
    Dataset<Row> preds =
        spark.read().parquet(ReportPaths.predictions(out.toString())).filter("run_id = 'mv'");
    assertEquals(7 * METHODS.size(), preds.count());
    Map<String, String> bad =
        Map.of(
            "object_existence#2", "no video clevrer/video_validation/video_missing.mp4",
            "episodic_reasoning#1", "the answer is none of the candidates");
    for (Row row : preds.collectAsList()) {
      String id = row.getAs("sample_id");
      if (bad.containsKey(id)) {
        assertEquals("error", row.getAs("status"), id);
        String error = row.getAs("error");
        assertTrue(error.contains(bad.get(id)), error);
      } else {
        assertEquals("ok", row.getAs("status"), id + ": " + row.getAs("error"));
        int frames = row.getList(row.fieldIndex("vision_positions")).size() / 16;
        // 4 frames of each video; the frame folder (9 JPEGs) as well
        assertEquals(4, frames, id);
      }
    }
    ObjectMapper json = new ObjectMapper();
    Dataset<Row> metrics =
        spark.read().parquet(ReportPaths.metrics(out.toString())).filter("run_id = 'mv'");
    for (String method : METHODS) {
      Map<String, double[]> direct = new TreeMap<>();
      for (Row row : preds.filter("status = 'ok' and method = '" + method + "'").collectAsList()) {
        String subtask = json.readTree((String) row.getAs("sample_json")).get("subtask").asText();
        double[] acc = direct.computeIfAbsent(subtask, k -> new double[2]);
        if (!((String) row.getAs("response")).isEmpty()) {
          acc[0] += row.<Double>getAs("score");
          acc[1]++;
        }
      }
      Map<String, Double> reported = new HashMap<>();
      for (Row m : metrics.filter("method = '" + method + "'").collectAsList()) {
        reported.put(m.getAs("metric"), m.getAs("value"));
      }
      double mean = 0;
      for (Map.Entry<String, double[]> e : direct.entrySet()) {
        double v = e.getValue()[1] == 0 ? 0 : e.getValue()[0] / e.getValue()[1];
        assertEquals(v, reported.get("subtask/" + e.getKey()), 1e-12, method + " " + e.getKey());
        mean += v / direct.size();
      }
      assertEquals(3, direct.size(), "three subtasks with answers");
      assertEquals(mean, reported.get("accuracy"), 1e-12, method + ": the mean of the subtasks");
    }
  }

  private static Map<String, String> answers(Dataset<Row> preds, String run) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : preds.filter("run_id = '" + run + "'").collectAsList()) {
      out.put(
          r.getAs("method") + "/" + r.getAs("sample_id"),
          r.getAs("status") + " " + r.getAs("prompt_hash") + " " + r.getAs("response"));
    }
    return out;
  }
}
