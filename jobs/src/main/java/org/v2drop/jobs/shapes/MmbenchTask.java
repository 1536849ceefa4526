package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_mmbench: four-option questions (colour, shape, count, position) with MMBench's circular
 * copies: the same question with its options rotated, at index + k * 1,000,000. {@code count}
 * counts questions (each gives 4 rows).
 */
public final class MmbenchTask implements ShapesTask {
  private static final List<String> LETTERS = List.of("A", "B", "C", "D");

  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_MMBENCH;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    int made = 0;
    while (made < count) {
      Scene scene = TaskRows.scene(rng);
      Question q = question(rng, scene, made % 3);
      if (q == null) {
        continue;
      }
      String hint = made % 4 == 0 ? "Look at the objects carefully." : null;
      ParquetTable.Image img = TaskRows.image(scene, split + "_" + made);
      for (int k = 0; k < 4; k++) {
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          opts.add(q.options.get((i + k) % 4));
        }
        String answer = LETTERS.get(opts.indexOf(q.correct));
        long index = made + k * 1_000_000L;
        t.add(
            Long.toString(index),
            TaskRows.row(
                "index",
                index,
                "question",
                q.text,
                "hint",
                hint,
                "answer",
                answer,
                "A",
                opts.get(0),
                "B",
                opts.get(1),
                "C",
                opts.get(2),
                "D",
                opts.get(3),
                "category",
                q.category,
                "image",
                img,
                "source",
                "shapes",
                "L2-category",
                q.l2,
                "comment",
                null,
                "split",
                "dev"),
            answer);
      }
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.int64("index"),
                    ParquetTable.string("question"),
                    ParquetTable.string("hint"),
                    ParquetTable.string("answer"),
                    ParquetTable.string("A"),
                    ParquetTable.string("B"),
                    ParquetTable.string("C"),
                    ParquetTable.string("D"),
                    ParquetTable.string("category"),
                    ParquetTable.image("image"),
                    ParquetTable.string("source"),
                    ParquetTable.string("L2-category"),
                    ParquetTable.string("comment"),
                    ParquetTable.string("split")),
                t.rows)),
        t.samples,
        t.targets);
  }

  private record Question(
      String text, List<String> options, String correct, String category, String l2) {}

  private static Question question(SplittableRandom rng, Scene scene, int kind) {
    switch (kind) {
      case 0:
        {
          List<SceneObject> u = scene.uniqueShapes();
          if (u.isEmpty()) {
            return null;
          }
          SceneObject o = SceneSampler.pick(rng, u);
          return new Question(
              "What color is the " + o.shape() + "?",
              four(rng, Palette.COLORS, o.color()),
              o.color(),
              "color",
              "attribute");
        }
      case 1:
        {
          List<SceneObject> u = scene.uniqueColors();
          if (u.isEmpty()) {
            return null;
          }
          SceneObject o = SceneSampler.pick(rng, u);
          return new Question(
              "What is the shape of the " + o.color() + " object?",
              four(rng, Palette.SHAPES, o.shape()),
              o.shape(),
              "shape",
              "attribute");
        }
      default:
        {
          String shape = SceneSampler.pick(rng, scene.objects()).shape();
          int n = (int) scene.countShape(shape);
          List<String> nums = new ArrayList<>(List.of("1", "2", "3", "4", "5", "6"));
          return new Question(
              "How many " + Palette.plural(shape) + " are there?",
              four(rng, nums, Integer.toString(n)),
              Integer.toString(n),
              "count",
              "relation");
        }
    }
  }

  private static List<String> four(SplittableRandom rng, List<String> pool, String correct) {
    List<String> others = new ArrayList<>(pool);
    others.remove(correct);
    SqaTask.shuffle(others, rng);
    List<String> out = new ArrayList<>(others.subList(0, 3));
    out.add(correct);
    SqaTask.shuffle(out, rng);
    return out;
  }
}
