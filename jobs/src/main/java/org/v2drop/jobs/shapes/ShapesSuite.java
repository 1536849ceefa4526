package org.v2drop.jobs.shapes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.drop.SeededKeys;

/**
 * ShapesVQA: a deterministic synthetic suite in the real lmms-eval layouts. Each task is written
 * under {@code <root>/<task>/} exactly as its benchmark's Hub repository lays it out, so the real
 * readers and scorers run on it unchanged; {@code <root>/_prompts/<split>.parquet} holds every
 * sample's full prompt, images and target answer (what the demo-model trainer and the HF parity
 * runner read). Same seed, same counts → byte-identical files.
 */
public final class ShapesSuite {
  /** The tasks in suite order. */
  public static final List<ShapesTask> TASKS =
      List.of(
          new PopeTask(),
          new MmeTask(),
          new GqaTask(),
          new TextVqaTask(),
          new SqaTask(),
          new MmbenchTask(),
          new VideoTask());

  /** Default sizes (samples; MME counts images, MMBench counts questions). */
  public static final Map<String, Integer> TEST_COUNTS = counts(300, 150, 300, 200, 200, 100, 150);

  public static final Map<String, Integer> TRAIN_COUNTS =
      counts(6000, 3000, 6000, 4000, 4000, 1500, 3000);

  private ShapesSuite() {}

  static Map<String, Integer> counts(int... n) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < TASKS.size(); i++) {
      m.put(TASKS.get(i).name(), n[i]);
    }
    return m;
  }

  /**
   * How the requested counts compare with the default train counts (scales the caption set alike).
   */
  private static double captionScale(Map<String, Integer> counts) {
    String pope = Benchmarks.SHAPES_POPE.name();
    return (double) counts.getOrDefault(pope, 0) / TRAIN_COUNTS.get(pope);
  }

  /** The generator of one split of one task: seeded from (seed, task, split) only. */
  public static GeneratedTask generate(ShapesTask task, String split, int count, long seed) {
    long s = SeededKeys.splitmix64(seed ^ SeededKeys.fnv1a64(task.name() + "/" + split));
    return task.generate(split, count, new SplittableRandom(s));
  }

  /** Caption rows written with the train split (stage-1 alignment data for the demo model). */
  public static final int TRAIN_CAPTIONS = 20000;

  /** Writes one split of every task under {@code root}; returns the number of samples written. */
  public static int write(
      Path root,
      String split,
      Map<String, Integer> counts,
      long seed,
      Configuration conf,
      java.util.function.Consumer<String> progress)
      throws IOException {
    List<Map<String, Object>> prompts = new ArrayList<>();
    int total = 0;
    for (ShapesTask task : TASKS) {
      int n = counts.getOrDefault(task.name(), 0);
      if (n == 0) {
        continue;
      }
      GeneratedTask g = generate(task, split, n, seed);
      for (Map.Entry<String, ParquetTable> f : g.files().entrySet()) {
        f.getValue().write(new Path(new Path(root, task.name()), f.getKey()), conf);
      }
      for (Map.Entry<String, byte[]> f : g.blobs().entrySet()) {
        Path p = new Path(new Path(root, task.name()), f.getKey());
        try (org.apache.hadoop.fs.FSDataOutputStream out = p.getFileSystem(conf).create(p, true)) {
          out.write(f.getValue());
        }
      }
      for (int i = 0; i < g.samples().size(); i++) {
        Sample s = g.samples().get(i);
        List<ParquetTable.Image> images = new ArrayList<>();
        for (int k = 0; k < s.images().size(); k++) {
          images.add(new ParquetTable.Image(s.images().get(k), s.id() + "_" + k + ".png"));
        }
        String prompt = task.prompt(s);
        prompts.add(PromptsTable.row(task.name(), s.id(), prompt, g.targets().get(i), images));
      }
      total += g.samples().size();
      progress.accept(task.name() + " " + split + ": " + g.samples().size() + " samples");
    }
    new ParquetTable(PromptsTable.SCHEMA, prompts)
        .write(new Path(new Path(root, "_prompts"), split + ".parquet"), conf);
    if (split.equals("train")) {
      int captions = (int) Math.round(TRAIN_CAPTIONS * captionScale(counts));
      long s = SeededKeys.splitmix64(seed ^ SeededKeys.fnv1a64("caption/" + split));
      new ParquetTable(PromptsTable.SCHEMA, Captions.rows(captions, new SplittableRandom(s)))
          .write(new Path(new Path(root, "_prompts"), "pretrain.parquet"), conf);
      progress.accept("captions (pretrain): " + captions + " samples");
    }
    return total;
  }
}
