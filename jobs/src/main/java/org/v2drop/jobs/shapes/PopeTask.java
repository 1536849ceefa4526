package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_pope: "Is there a {colour} {shape} in the image?" with POPE's three negative samplings:
 * random (any absent combination), popular (a kind present in the scene, in an absent colour) and
 * adversarial (colour and kind both present, never together).
 */
public final class PopeTask implements ShapesTask {
  static final List<String> CATEGORIES = List.of("random", "popular", "adversarial");

  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_POPE;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    int made = 0;
    while (made < count) {
      Scene scene = TaskRows.scene(rng);
      String category = CATEGORIES.get(made % 3);
      boolean yes = rng.nextBoolean();
      String[] combo = yes ? present(rng, scene) : absent(rng, scene, category);
      if (combo == null) {
        continue;
      }
      String id = split + "_" + made;
      t.add(
          id,
          TaskRows.row(
              "id",
              id,
              "question_id",
              id,
              "question",
              "Is there a " + combo[0] + " " + combo[1] + " in the image?",
              "answer",
              yes ? "yes" : "no",
              "image_source",
              "scene_" + id,
              "image",
              TaskRows.image(scene, "scene_" + id),
              "category",
              category),
          yes ? "yes" : "no");
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.string("id"),
                    ParquetTable.string("question_id"),
                    ParquetTable.string("question"),
                    ParquetTable.string("answer"),
                    ParquetTable.string("image_source"),
                    ParquetTable.image("image"),
                    ParquetTable.string("category")),
                t.rows)),
        t.samples,
        t.targets);
  }

  static String[] present(SplittableRandom rng, Scene scene) {
    SceneObject o = SceneSampler.pick(rng, scene.objects());
    return new String[] {o.color(), o.shape()};
  }

  static String[] absent(SplittableRandom rng, Scene scene, String category) {
    List<String[]> candidates = new ArrayList<>();
    for (String c : Palette.COLORS) {
      for (String s : Palette.SHAPES) {
        if (scene.has(c, s)) {
          continue;
        }
        boolean ok =
            switch (category) {
              case "random" -> true;
              case "popular" -> scene.hasShape(s);
              default -> scene.hasShape(s) && scene.hasColor(c);
            };
        if (ok) {
          candidates.add(new String[] {c, s});
        }
      }
    }
    return candidates.isEmpty() ? null : SceneSampler.pick(rng, candidates);
  }
}
