package org.v2drop.jobs.shapes;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_mme: MME's yes/no pairs (one yes, one no per image) in the perception categories
 * existence, count, position and color. {@code count} is the number of images (each gives two
 * rows).
 */
public final class MmeTask implements ShapesTask {
  static final List<String> CATEGORIES = List.of("existence", "count", "position", "color");
  private static final String SUFFIX = " Please answer yes or no.";

  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_MME;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    int made = 0;
    while (made < count) {
      Scene scene = TaskRows.scene(rng);
      String category = CATEGORIES.get(made % CATEGORIES.size());
      String[] qs = pair(rng, scene, category);
      if (qs == null) {
        continue;
      }
      String key = category + "/" + split + "_" + made + ".png";
      ParquetTable.Image img = TaskRows.image(scene, split + "_" + made);
      t.add(
          key + "#yes",
          TaskRows.row(
              "question_id",
              key,
              "image",
              img,
              "question",
              qs[0] + SUFFIX,
              "answer",
              "Yes",
              "category",
              category),
          "Yes");
      t.add(
          key + "#no",
          TaskRows.row(
              "question_id",
              key,
              "image",
              img,
              "question",
              qs[1] + SUFFIX,
              "answer",
              "No",
              "category",
              category),
          "No");
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.string("question_id"),
                    ParquetTable.image("image"),
                    ParquetTable.string("question"),
                    ParquetTable.string("answer"),
                    ParquetTable.string("category")),
                t.rows)),
        t.samples,
        t.targets);
  }

  /** {yes question, no question}, or null when the scene cannot support the category. */
  static String[] pair(SplittableRandom rng, Scene scene, String category) {
    switch (category) {
      case "existence":
        {
          String[] yes = PopeTask.present(rng, scene);
          String[] no = PopeTask.absent(rng, scene, "adversarial");
          return no == null
              ? null
              : new String[] {
                "Is there a " + yes[0] + " " + yes[1] + " in this image?",
                "Is there a " + no[0] + " " + no[1] + " in this image?"
              };
        }
      case "count":
        {
          String shape = SceneSampler.pick(rng, scene.objects()).shape();
          int n = (int) scene.countShape(shape);
          int wrong = n == 1 || rng.nextBoolean() ? n + 1 : n - 1;
          return new String[] {
            "Are there " + n + " " + noun(shape, n) + " in this image?",
            "Are there " + wrong + " " + noun(shape, wrong) + " in this image?"
          };
        }
      case "position":
        {
          List<SceneObject> u = scene.uniqueCombos();
          if (u.size() < 2) {
            return null;
          }
          SceneObject a = SceneSampler.pick(rng, u);
          SceneObject b = SceneSampler.pick(rng, u);
          if (a == b || Math.abs(a.cx() - b.cx()) < 12) {
            return null;
          }
          SceneObject left = a.cx() < b.cx() ? a : b;
          SceneObject right = left == a ? b : a;
          return new String[] {
            "Is the " + left.name() + " on the left of the " + right.name() + "?",
            "Is the " + right.name() + " on the left of the " + left.name() + "?"
          };
        }
      default:
        {
          List<SceneObject> u = scene.uniqueShapes();
          if (u.isEmpty()) {
            return null;
          }
          SceneObject o = SceneSampler.pick(rng, u);
          String other =
              SceneSampler.pick(
                  rng, Palette.COLORS.stream().filter(c -> !c.equals(o.color())).toList());
          return new String[] {
            "Is the " + o.shape() + " in this image " + o.color() + "?",
            "Is the " + o.shape() + " in this image " + other + "?"
          };
        }
    }
  }

  static String noun(String shape, int n) {
    return n == 1 ? shape : Palette.plural(shape);
  }
}
