package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_sqa: ScienceQA-IMG-style multiple choice (2-4 choices, int8 answer index, optional hint).
 */
public final class SqaTask implements ShapesTask {
  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_SQA;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    int made = 0;
    while (made < count) {
      Scene scene = TaskRows.scene(rng);
      List<SceneObject> u = made % 2 == 0 ? scene.uniqueColors() : scene.uniqueShapes();
      if (u.isEmpty()) {
        continue;
      }
      SceneObject o = SceneSampler.pick(rng, u);
      boolean askShape = made % 2 == 0;
      String question =
          askShape ? "Which shape is " + o.color() + "?" : "Which color is the " + o.shape() + "?";
      String correct = askShape ? o.shape() : o.color();
      List<String> pool = new ArrayList<>(askShape ? Palette.SHAPES : Palette.COLORS);
      pool.remove(correct);
      shuffle(pool, rng);
      int n = 2 + rng.nextInt(3);
      List<String> choices = new ArrayList<>(pool.subList(0, n - 1));
      choices.add(correct);
      shuffle(choices, rng);
      int answer = choices.indexOf(correct);
      String hint =
          rng.nextBoolean() ? "" : "The picture shows " + scene.objects().size() + " objects.";
      String id = split + "_" + made;
      t.add(
          id,
          TaskRows.row(
              "image",
              TaskRows.image(scene, id),
              "question",
              question,
              "choices",
              choices,
              "answer",
              answer,
              "hint",
              hint,
              "task",
              "closed choice",
              "grade",
              "grade1",
              "subject",
              "shapes",
              "topic",
              "shapes",
              "category",
              askShape ? "shape" : "color"),
          ScienceLetter.of(answer));
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.image("image"),
                    ParquetTable.string("question"),
                    ParquetTable.stringList("choices"),
                    ParquetTable.int8("answer"),
                    ParquetTable.string("hint"),
                    ParquetTable.string("task"),
                    ParquetTable.string("grade"),
                    ParquetTable.string("subject"),
                    ParquetTable.string("topic"),
                    ParquetTable.string("category")),
                t.rows)),
        t.samples,
        t.targets);
  }

  static <T> void shuffle(List<T> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, rng.nextInt(i + 1));
    }
  }

  /** Option letters. */
  static final class ScienceLetter {
    private ScienceLetter() {}

    static String of(int i) {
      return String.valueOf((char) ('A' + i));
    }
  }
}
