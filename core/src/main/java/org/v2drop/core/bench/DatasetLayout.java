package org.v2drop.core.bench;

import java.util.List;
import java.util.Map;

/**
 * Where a benchmark's rows live inside a copy of its Hugging Face dataset repository, and how a row
 * is identified: shards are {@code <root>/<dir>/<split>-*.parquet}; GQA's questions join their
 * images by {@code imageId = id}.
 *
 * @param dir sub-directory of the repository holding the shards (config name or "data")
 * @param split default split (file prefix)
 * @param idColumns columns that identify a row; empty = a content hash of the row
 * @param imageColumn the image struct column (or list of structs when {@code imageList})
 * @param imagesDir GQA: directory of the image table joined on {@code imageId}, else null
 */
public record DatasetLayout(
    String dir,
    String split,
    List<String> idColumns,
    String imageColumn,
    boolean imageList,
    String imagesDir) {

  private static final Map<String, DatasetLayout> LAYOUTS =
      Map.ofEntries(
          Map.entry("pope", single("data", "test", "question_id")),
          Map.entry("pope_adv", single("Full", "adversarial", "question_id")),
          Map.entry("pope_pop", single("Full", "popular", "question_id")),
          Map.entry("pope_random", single("Full", "random", "question_id")),
          Map.entry("shapes_pope", single("data", "test", "question_id")),
          Map.entry("mme", single("data", "test", "question_id", "answer")),
          Map.entry("shapes_mme", single("data", "test", "question_id", "answer")),
          Map.entry(
              "gqa",
              new DatasetLayout(
                  "testdev_balanced_instructions",
                  "testdev",
                  List.of("id"),
                  "image",
                  false,
                  "testdev_balanced_images")),
          Map.entry(
              "shapes_gqa",
              new DatasetLayout(
                  "testdev_balanced_instructions",
                  "test",
                  List.of("id"),
                  "image",
                  false,
                  "testdev_balanced_images")),
          Map.entry("textvqa_val", single("data", "validation", "question_id")),
          Map.entry("shapes_textvqa", single("data", "test", "question_id")),
          Map.entry("vizwiz_vqa_val", single("data", "val", "question_id")),
          Map.entry("scienceqa_img", single("ScienceQA-IMG", "test")),
          Map.entry("shapes_sqa", single("ScienceQA-IMG", "test")),
          Map.entry("mmbench_en_dev", single("en", "dev", "index")),
          Map.entry("shapes_mmbench", single("en", "test", "index")),
          Map.entry(
              "videomme",
              new DatasetLayout("data", "test", List.of("question_id"), "frames", true, null)),
          Map.entry(
              "shapes_video",
              new DatasetLayout("data", "test", List.of("question_id"), "frames", true, null)));

  private static DatasetLayout single(String dir, String split, String... ids) {
    return new DatasetLayout(dir, split, List.of(ids), "image", false, null);
  }

  /** The layout of a benchmark known to {@link Benchmarks}. */
  public static DatasetLayout of(String benchmark) {
    DatasetLayout l = LAYOUTS.get(benchmark);
    if (l == null) {
      throw new IllegalArgumentException("no dataset layout for benchmark '" + benchmark + "'");
    }
    return l;
  }

  /** The shard glob for {@code root} and a split (null = the default split). */
  public String shards(String root, String splitOverride) {
    return trim(root)
        + "/"
        + dir
        + "/"
        + (splitOverride == null ? split : splitOverride)
        + "-*.parquet";
  }

  /** GQA's image shards, or null. */
  public String imageShards(String root, String splitOverride) {
    return imagesDir == null
        ? null
        : trim(root)
            + "/"
            + imagesDir
            + "/"
            + (splitOverride == null ? split : splitOverride)
            + "-*.parquet";
  }

  private static String trim(String root) {
    return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }
}
