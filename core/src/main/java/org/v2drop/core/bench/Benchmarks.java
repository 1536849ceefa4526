package org.v2drop.core.bench;

import static org.v2drop.core.bench.DatasetLayout.imageTable;
import static org.v2drop.core.bench.DatasetLayout.single;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark registry, one line per task: its name, scorer and prompt (the benchmark class) and
 * where its rows live (the layout). lmms-eval's tasks first, then ShapesVQA's, which reuse their
 * readers and scorers in the same layouts (docs/benchmarks.md); the ShapesVQA generator names its
 * tasks through the constants below.
 */
public final class Benchmarks {
  private static final Map<String, Benchmark> BY_NAME = new LinkedHashMap<>();

  static {
    register(new PopeBenchmark("pope", single("data", "test", "question_id")));
    register(new PopeBenchmark("pope_adv", single("Full", "adversarial", "question_id")));
    register(new PopeBenchmark("pope_pop", single("Full", "popular", "question_id")));
    register(new PopeBenchmark("pope_random", single("Full", "random", "question_id")));
    register(new MmeBenchmark("mme", single("data", "test", "question_id", "answer")));
    register(
        new GqaBenchmark(
            "gqa",
            imageTable(
                "testdev_balanced_instructions", "testdev_balanced_images", "testdev", "id")));
    register(
        new VqaBenchmark(
            "textvqa_val",
            single("data", "validation", "question_id"),
            PromptFragments.SHORT_ANSWER));
    register(
        new VqaBenchmark(
            "vizwiz_vqa_val",
            single("data", "val", "question_id"),
            PromptFragments.VIZWIZ_SHORT_ANSWER));
    register(new ScienceQaBenchmark("scienceqa_img", single("ScienceQA-IMG", "test")));
    register(new MmbenchBenchmark("mmbench_en_dev", single("en", "dev", "index")));
    register(
        new VideoMcqBenchmark(
            "videomme", DatasetLayout.videos("videomme", "test", "data", "question_id")));
    register(
        new VideoMcqBenchmark(
            "videomme_w_subtitle",
            DatasetLayout.videos("videomme", "test", "data", "question_id")
                .withSubtitles("subtitle")));
    register(new MvbenchBenchmark("mvbench", DatasetLayout.questionFiles("json", "video")));
  }

  /**
   * ShapesVQA (synthetic, the demo's suite): each task in the layout of the lmms-eval task it
   * imitates.
   */
  public static final Benchmark SHAPES_POPE =
      register(new PopeBenchmark("shapes_pope", single("data", "test", "question_id")));

  public static final Benchmark SHAPES_MME =
      register(new MmeBenchmark("shapes_mme", single("data", "test", "question_id", "answer")));
  public static final Benchmark SHAPES_GQA =
      register(
          new GqaBenchmark(
              "shapes_gqa",
              imageTable(
                  "testdev_balanced_instructions", "testdev_balanced_images", "test", "id")));
  public static final Benchmark SHAPES_TEXTVQA =
      register(
          new VqaBenchmark(
              "shapes_textvqa",
              single("data", "test", "question_id"),
              PromptFragments.SHORT_ANSWER));
  public static final Benchmark SHAPES_SQA =
      register(new ScienceQaBenchmark("shapes_sqa", single("ScienceQA-IMG", "test")));
  public static final Benchmark SHAPES_MMBENCH =
      register(new MmbenchBenchmark("shapes_mmbench", single("en", "test", "index")));
  public static final Benchmark SHAPES_VIDEO =
      register(
          new VideoMcqBenchmark(
              "shapes_video", DatasetLayout.videos("videomme", "test", "data", "question_id")));

  private Benchmarks() {}

  private static Benchmark register(Benchmark b) {
    if (BY_NAME.putIfAbsent(b.name(), b) != null) {
      throw new IllegalStateException("benchmark '" + b.name() + "' is registered twice");
    }
    return b;
  }

  /** The benchmark called {@code name}; an unknown name lists the known ones. */
  public static Benchmark byName(String name) {
    Benchmark b = BY_NAME.get(name);
    if (b == null) {
      throw new IllegalArgumentException(
          "unknown benchmark '" + name + "'; known: " + String.join(", ", names()));
    }
    return b;
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
