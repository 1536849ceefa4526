package org.v2drop.core.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prompt text per benchmark exactly as docs/benchmarks.md specifies, and the aggregations. */
class BenchmarkPromptsTest {
  static Sample s(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return new Sample("s", m, List.of(new byte[0]), "test");
  }

  @Test
  void popeAndGqaAndMme() {
    assertEquals(
        "Is there a dog in the image?\nAnswer the question using a single word or phrase.",
        Benchmarks.byName("pope").question(s("question", "  Is there a dog in the image? ")));
    assertEquals(
        "what is it?\nAnswer the question using a single word or phrase.",
        Benchmarks.byName("gqa").question(s("question", "what is it?")));
    assertEquals(
        "Is this a cat?\nAnswer the question using a single word or phrase.",
        Benchmarks.byName("mme")
            .question(s("question", "Is this a cat? Please answer yes or no.")));
  }

  @Test
  void vqaCapitalisesLikePython() {
    assertEquals(
        "What does the sign say?\nAnswer the question using a single word or phrase.",
        Benchmarks.byName("textvqa_val").question(s("question", "what does the SIGN say?")));
    assertTrue(
        Benchmarks.byName("vizwiz_vqa_val")
            .question(s("question", "what is this"))
            .endsWith(
                "\nWhen the provided information is insufficient, respond with 'Unanswerable'.\nAnswer the question "
                    + "using a single word or phrase."));
  }

  @Test
  void scienceQaWithAndWithoutHint() {
    Benchmark b = Benchmarks.byName("scienceqa_img");
    assertEquals(
        "Context: It is cold.\nWhich is warmer?\nA. ice\nB. fire\nAnswer with the option's letter from the "
            + "given choices directly.",
        b.question(
            s(
                "question",
                "Which is warmer?",
                "choices",
                List.of("ice", "fire"),
                "hint",
                "It is cold.")));
    assertEquals(
        "Which?\nA. x\nAnswer with the option's letter from the given choices directly.",
        b.question(s("question", "Which?", "choices", List.of("x"), "hint", "")));
  }

  @Test
  void mmbenchOptionsHintAndDoubleNewline() {
    Benchmark b = Benchmarks.byName("mmbench_en_dev");
    assertEquals(
        "Look. What is it? There are several options:\nA. cat\nB. dog\n\nAnswer with the option's letter "
            + "from the given choices directly.",
        b.question(
            s("question", "What is it?", "hint", "Look.", "A", "cat", "B", "dog", "C", "nan")));
    assertEquals(
        "What is it? There are several options:\nA. cat\nB. dog\nC. cow\n\nAnswer with the option's letter "
            + "from the given choices directly.",
        b.question(s("question", "What is it?", "A", "cat", "B", "dog", "C", "cow")));
  }

  @Test
  void generationLengthsAndMainMetricsAreLmmsEvals() {
    Map<String, Object[]> expected =
        Map.of(
            "pope", new Object[] {128, "f1"},
            "mme", new Object[] {16, "perception"},
            "gqa", new Object[] {16, "exact_match"},
            "textvqa_val", new Object[] {1024, "vqa_accuracy"},
            "vizwiz_vqa_val", new Object[] {1024, "vqa_accuracy"},
            "scienceqa_img", new Object[] {16, "exact_match"},
            "mmbench_en_dev", new Object[] {1024, "circular_accuracy"},
            "videomme", new Object[] {16, "accuracy"});
    expected.forEach(
        (name, e) -> {
          Benchmark b = Benchmarks.byName(name);
          assertEquals(e[0], b.maxNewTokens(), name);
          assertEquals(e[1], b.mainMetric(), name);
          List<String> cols = b.columns().stream().map(Column::name).toList();
          assertTrue(cols.contains("question"), name + ": " + cols);
          assertTrue(
              b.columns().stream().anyMatch(c -> c.required() && c.name().equals("question")),
              name);
        });
    assertTrue(
        Benchmarks.byName("pope")
            .columns()
            .contains(Column.optional("category", Column.Kind.STRING)));
  }

  @Test
  void videoPromptAndPerGroupAccuracies() {
    Benchmark b = Benchmarks.byName("videomme");
    Sample q =
        s(
            "question",
            "What moves?",
            "options",
            List.of("A. cat", "B. dog", "C. car", "D. cup"),
            "answer",
            "B",
            "duration",
            "short",
            "domain",
            "Film",
            "task_type",
            "Counting");
    assertEquals(
        "Select the best answer to the following multiple-choice question based on the video and the"
            + " subtitles. Respond with only the letter (A, B, C, or D) of the correct option.\nWhat"
            + " moves?\nA. cat\nB. dog\nC. car\nD. cup\n\nAnswer with the option's letter from the"
            + " given choices directly.",
        b.question(q));
    List<Scored> rows = new ArrayList<>();
    String[][] data = {{"short", "B"}, {"short", "C"}, {"long", "B"}, {"long", "B"}};
    for (String[] d : data) {
      Sample smp =
          s(
              "options",
              List.of("A. a", "B. b", "C. c", "D. d"),
              "answer",
              "B",
              "duration",
              d[0],
              "domain",
              "Film",
              "task_type",
              "Counting");
      rows.add(new Scored(smp, d[1], b.score(smp, d[1])));
    }
    Map<String, Double> m = b.aggregate(rows);
    assertEquals(0.75, m.get("accuracy"), 1e-12);
    assertEquals(0.5, m.get("duration/short"), 1e-12);
    assertEquals(1.0, m.get("duration/long"), 1e-12);
    assertEquals(0.75, m.get("domain/Film"), 1e-12);
    assertEquals(0.75, m.get("task_type/Counting"), 1e-12);
    assertEquals(5, m.size());
  }

  @Test
  void exactMatchBenchmarksAverageTheirScores() {
    for (String[] bm :
        new String[][] {
          {"gqa", "exact_match"}, {"textvqa_val", "vqa_accuracy"}, {"scienceqa_img", "exact_match"}
        }) {
      Benchmark b = Benchmarks.byName(bm[0]);
      List<Scored> rows = new ArrayList<>();
      for (double v : new double[] {1, 0, 0.5, 1}) {
        rows.add(new Scored(s(), "r", new SampleScore(v, "r")));
      }
      assertEquals(Map.of(bm[1], 0.625), b.aggregate(rows), bm[0]);
    }
  }

  @Test
  void thePromptIsTheQuestionInTheModelsTemplateWithTheSamplesImages() {
    Sample sample =
        new Sample(
            "7", Map.of("question", "what is it?"), List.of(new byte[] {1}, new byte[] {2}), "t");
    Prompt p =
        Benchmarks.byName("gqa").toPrompt(sample, (question, images) -> images + "|" + question);
    assertEquals("2|what is it?\nAnswer the question using a single word or phrase.", p.text());
    assertEquals(2, p.images().size());
    assertEquals(2, ((org.v2drop.core.processor.Visual.Encoded) p.images().get(1)).bytes()[0]);
    assertEquals("gqa sample 7", p.source());
  }

  @Test
  void everyBenchmarkIsRegisteredOnceWithItsLayout() {
    for (String name : Benchmarks.names()) {
      Benchmark b = Benchmarks.byName(name);
      assertEquals(name, b.name());
      assertSame(b, Benchmarks.byName(name), "one object per benchmark");
      assertTrue(
          b.layout().shards("root", null).startsWith("root/" + b.layout().dir() + "/"), name);
    }
    assertEquals(Benchmarks.names().size(), new java.util.HashSet<>(Benchmarks.names()).size());
    assertSame(Benchmarks.SHAPES_POPE, Benchmarks.byName("shapes_pope"));
    assertEquals(
        "testdev_balanced_images/testdev-*.parquet",
        Benchmarks.byName("gqa").layout().imageShards("", null).substring(1));
    assertEquals(
        "en/dev-*.parquet",
        Benchmarks.byName("mmbench_en_dev").layout().shards("", null).substring(1));
  }

  @Test
  void sampleIdsJoinTheIdColumnsAsTheReaderDoes() {
    assertEquals(
        "q1#yes",
        Benchmarks.byName("mme").layout().sampleId(Map.of("question_id", "q1", "answer", "yes")));
    assertEquals(
        "1000003",
        Benchmarks.byName("mmbench_en_dev").layout().sampleId(Map.of("index", 1000003L)));
    assertEquals(null, Benchmarks.byName("mme").layout().sampleId(Map.of("question_id", "q1")));
    assertEquals(
        null,
        Benchmarks.byName("scienceqa_img").layout().sampleId(Map.of("question", "q")),
        "no id columns: the reader hashes the row");
  }

  @Test
  void popeAggregatesPerSplitAndMeanF1() {
    Benchmark b = Benchmarks.byName("pope");
    List<Scored> rows = new ArrayList<>();
    String[][] data = {
      {"yes", "yes", "random"},
      {"no", "yes", "random"},
      {"yes", "no", "random"},
      {"no", "no", "popular"},
      {"yes", "yes", "popular"},
      {"no", "Yes.", "popular"}
    };
    for (String[] d : data) {
      Sample smp = s("answer", d[0], "category", d[2]);
      rows.add(new Scored(smp, d[1], b.score(smp, d[1])));
    }
    Map<String, Double> m = b.aggregate(rows);
    assertEquals(3.0 / 6, m.get("accuracy"), 1e-12);
    assertEquals(2.0 / 3, m.get("precision"), 1e-12); // tp 2, fp 1 ("yes." is neither)
    assertEquals(2.0 / 3, m.get("recall"), 1e-12); // fn 1
    assertEquals(0.5, m.get("yes_ratio"), 1e-12);
    assertEquals(3.0 / 6, m.get("pred_yes_ratio"), 1e-12);
    assertEquals(0.5, m.get("random/f1"), 1e-12);
    assertEquals(1.0, m.get("popular/f1"), 1e-12);
    assertEquals(0.75, m.get("f1_mean_over_splits"), 1e-12);
  }

  @Test
  void mmeScoresPairsAndRejectsBrokenPairs() {
    Benchmark b = Benchmarks.byName("mme");
    List<Scored> rows = new ArrayList<>();
    Object[][] data = {
      {"1.png", "Yes", "yes", "existence"},
      {"1.png", "No", "no", "existence"},
      {"2.png", "Yes", "no", "existence"},
      {"2.png", "No", "no", "existence"},
      {"3.png", "Yes", "yes", "code_reasoning"},
      {"3.png", "No", "yes", "code_reasoning"}
    };
    for (Object[] d : data) {
      Sample smp = s("question_id", d[0], "answer", d[1], "category", d[3]);
      rows.add(new Scored(smp, (String) d[2], b.score(smp, (String) d[2])));
    }
    Map<String, Double> m = b.aggregate(rows);
    assertEquals((200 + 50) / 2.0, m.get("category/existence"), 1e-9);
    assertEquals(125.0, m.get("perception"), 1e-9);
    assertEquals(50.0, m.get("cognition"), 1e-9);
    BenchmarkDataException e =
        assertThrows(BenchmarkDataException.class, () -> b.aggregate(rows.subList(0, 3)));
    assertTrue(
        e.getMessage().contains("question pair 'existence/2.png' has 1 rows"), e.getMessage());
  }

  @Test
  void mmbenchFirstAsksCanInferThenExtracts() {
    Benchmark b = Benchmarks.byName("mmbench_en_dev");
    Sample smp = s("index", 3L, "answer", "B", "A", "a cat", "B", "a dog", "C", null, "D", "nan");
    assertEquals(
        "B", b.score(smp, "It is a dog, I think.").parsed(), "the one option text present");
    assertEquals(1.0, b.score(smp, "It is a dog, I think.").score());
    assertEquals(
        "A", b.score(smp, "Perhaps A cat").parsed(), "'A' of a short answer is the option");
    assertEquals("", b.score(smp, "no idea").parsed(), "nothing to infer, nothing to extract");
    assertEquals(
        "D",
        b.score(smp, "bananas").parsed(),
        "a 'nan' option is an option when scoring (pandas' isna is false for the string)");
  }

  @Test
  void mmbenchCircularGroupsNeedEveryRotationRight() {
    Benchmark b = Benchmarks.byName("mmbench_en_dev");
    List<Scored> rows = new ArrayList<>();
    Object[][] data = {
      {5L, "A", "A", "x"},
      {1_000_005L, "B", "B", "x"},
      {7L, "C", "C", "y"},
      {1_000_007L, "D", "A", "y"}
    };
    for (Object[] d : data) {
      Sample smp =
          s(
              "index",
              d[0],
              "answer",
              d[1],
              "A",
              "a",
              "B",
              "b",
              "C",
              "c",
              "D",
              "d",
              "category",
              d[3]);
      rows.add(new Scored(smp, (String) d[2], b.score(smp, (String) d[2])));
    }
    Map<String, Double> m = b.aggregate(rows);
    assertEquals(0.5, m.get("circular_accuracy"), 1e-12);
    assertEquals(0.75, m.get("single_accuracy"), 1e-12);
    assertEquals(1.0, m.get("category/x"), 1e-12);
    assertEquals(0.0, m.get("category/y"), 1e-12);
  }

  @Test
  void unknownBenchmarkListsKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Benchmarks.byName("vqav2"));
    assertTrue(e.getMessage().contains("textvqa_val"), e.getMessage());
    assertTrue(
        Benchmarks.names()
            .containsAll(
                Arrays.asList(
                    "pope",
                    "mme",
                    "gqa",
                    "textvqa_val",
                    "vizwiz_vqa_val",
                    "scienceqa_img",
                    "mmbench_en_dev",
                    "videomme",
                    "shapes_video")));
  }

  @Test
  void missingColumnsNameColumnAndSample() {
    BenchmarkDataException e =
        assertThrows(
            BenchmarkDataException.class,
            () -> Benchmarks.byName("gqa").question(s("answer", "x")));
    assertEquals("test: sample s: column 'question' is missing or null", e.getMessage());
  }

  /** lmms-eval's uniform frame indices, {@code np.linspace(0, total - 1, n, dtype=int)}. */
  @Test
  void uniformFramesAreNumpysLinspace() {
    assertArrayEquals(new int[] {0, 3, 6, 9}, org.v2drop.core.video.FrameSampling.uniform(10, 4));
    assertArrayEquals(
        new int[] {0, 4, 8, 13, 17, 22, 26, 31},
        org.v2drop.core.video.FrameSampling.uniform(32, 8));
    assertArrayEquals(new int[] {0, 2, 4}, org.v2drop.core.video.FrameSampling.uniform(5, 3));
    assertArrayEquals(new int[] {0, 6}, org.v2drop.core.video.FrameSampling.uniform(7, 2));
    assertArrayEquals(
        new int[] {0, 16, 33, 49, 66, 82, 99}, org.v2drop.core.video.FrameSampling.uniform(100, 7));
    assertArrayEquals(
        new int[] {0, 1, 2}, org.v2drop.core.video.FrameSampling.uniform(3, 5), "fewer: all");
    assertArrayEquals(
        new int[] {0, 1, 2}, org.v2drop.core.video.FrameSampling.uniform(3, 0), "0: all");
  }

  /**
   * A video sample's frames, read from its file: as images for a family without video input
   * (LLaVA), as one video for one with it (Qwen2-VL); the frame setting takes them uniformly.
   */
  @Test
  void videoFramesGoInAsImagesOrAsOneVideo() {
    Benchmark b = Benchmarks.byName("videomme");
    Sample q =
        Sample.textOnly(
            "v",
            Map.of(
                "videoID",
                "h264",
                "question",
                "Q?",
                "options",
                List.of("A. a", "B. b"),
                "answer",
                "A"),
            "test");
    try (org.v2drop.core.video.VideoLibrary lib = fixtureVideos()) {
      Prompt llava =
          b.toPrompt(
              q,
              org.v2drop.core.processor.LlavaConversation.DEFAULT,
              new org.v2drop.core.video.Videos(lib, 3));
      assertEquals(3, llava.images().size());
      assertEquals(List.of(), llava.videos());
      assertEquals(
          List.of(0, 29, 59),
          llava.images().stream()
              .map(v -> org.v2drop.core.video.VideoDecoderTest.code(v.rgb("f")))
              .toList(),
          "frames 0, 29, 59 of 60 (h264.mp4)");
      assertTrue(llava.text().contains("<image> <image> <image>\n"), llava.text());
      Prompt qwen =
          b.toPrompt(
              q,
              new org.v2drop.core.family.qwen2vl.Qwen2VlConversation(),
              new org.v2drop.core.video.Videos(lib, 0));
      assertEquals(List.of(), qwen.images());
      assertEquals(1, qwen.videos().size());
      assertEquals(60, qwen.videos().get(0).size(), "0: every frame");
      assertTrue(
          qwen.text().contains("<|vision_start|><|video_pad|><|vision_end|>Select the best answer"),
          qwen.text());
    }
  }

  /** A missing video, or no videos configured, fails the sample naming what is missing. */
  @Test
  void missingVideosAreNamed() {
    Benchmark b = Benchmarks.byName("videomme");
    Sample q =
        Sample.textOnly(
            "v",
            Map.of("videoID", "nope", "question", "Q?", "options", List.of("A. a"), "answer", "A"),
            "test");
    try (org.v2drop.core.video.VideoLibrary lib = fixtureVideos()) {
      RuntimeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              RuntimeException.class,
              () ->
                  b.toPrompt(
                      q,
                      org.v2drop.core.processor.LlavaConversation.DEFAULT,
                      new org.v2drop.core.video.Videos(lib, 4)));
      assertTrue(
          e.getMessage().contains("videomme sample v")
              && e.getMessage().contains("nope.mp4 / nope.MP4 / nope.mkv"),
          e.getMessage());
    }
    RuntimeException none =
        org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class,
            () -> b.toPrompt(q, org.v2drop.core.processor.LlavaConversation.DEFAULT));
    assertTrue(none.getMessage().contains("no videos location"), none.getMessage());
  }

  /**
   * videomme_w_subtitle: lmms-eval's subtitle prompt with the lines of the blocks that cover its 32
   * sampled frames; "No subtitles available" without a file.
   */
  @Test
  void subtitlesGoBeforeTheQuestion(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    java.nio.file.Path subs = java.nio.file.Files.createDirectories(tmp.resolve("subtitle"));
    java.nio.file.Files.writeString(
        subs.resolve("h264.srt"),
        "1\n00:00:00,000 --> 00:00:00,100\n<font color=\"white\" size=\".72c\">Hi.</font>\n\n"
            + "2\n00:00:09,000 --> 00:00:10,000\n<font color=\"white\" size=\".72c\">After.</font>\n");
    Benchmark b = Benchmarks.byName("videomme_w_subtitle");
    try (org.v2drop.core.video.VideoLibrary lib = fixtureVideos();
        org.v2drop.core.video.VideoLibrary sl =
            new org.v2drop.core.video.VideoLibrary(
                org.v2drop.core.video.LocalVideoStorage.INSTANCE, subs.toString(), tmp)) {
      org.v2drop.core.video.Videos videos = new org.v2drop.core.video.Videos(lib, 2, sl);
      Sample q =
          Sample.textOnly(
              "v",
              Map.of("videoID", "h264", "question", "Q?", "options", List.of("A. a", "B. b")),
              "test");
      // h264.mp4: 60 frames at 25 fps; block 1 covers frames [0, 2), block 2 is past the end
      assertEquals(
          "<image> <image>\nThis video's subtitles are listed below: \nHi.\n"
              + PromptFragments.VIDEO_MCQ_INSTRUCTION
              + "Q?\nA. a\nB. b\nThe best answer is:",
          b.toPrompt(q, (question, n) -> "<image> <image>\n" + question, videos).text());
      Sample none =
          Sample.textOnly(
              "w", Map.of("videoID", "clip", "question", "Q?", "options", List.of("A. a")), "test");
      assertTrue(
          b.toPrompt(none, (question, n) -> question, videos)
              .text()
              .startsWith("This video's subtitles are listed below: \nNo subtitles available\n"));
    }
  }

  private static org.v2drop.core.video.VideoLibrary fixtureVideos() {
    return new org.v2drop.core.video.VideoLibrary(
        org.v2drop.core.video.LocalVideoStorage.INSTANCE,
        "src/test/resources/fixtures/video",
        java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
  }
}
