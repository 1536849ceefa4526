package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_textvqa: counting and colour questions with ten human-style answers that differ in form
 * ("2", "two", "Two.", "2 objects"), so that EvalAI normalisation decides the score as on TextVQA.
 */
public final class TextVqaTask implements ShapesTask {
  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_TEXTVQA;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    int made = 0;
    while (made < count) {
      Scene scene = TaskRows.scene(rng);
      String question;
      List<String> answers = new ArrayList<>();
      String target;
      if (made % 2 == 0) {
        String color = SceneSampler.pick(rng, scene.objects()).color();
        int n = (int) scene.countColor(color);
        question = "how many " + color + " objects are in the picture?";
        target = Integer.toString(n);
        for (int i = 0; i < 10; i++) {
          int form = rng.nextInt(10);
          answers.add(
              form < 5
                  ? target
                  : form < 8
                      ? Palette.word(n)
                      : form < 9
                          ? capital(Palette.word(n)) + "."
                          : target + " " + (n == 1 ? "object" : "objects"));
        }
      } else {
        List<SceneObject> u = scene.uniqueShapes();
        if (u.isEmpty()) {
          continue;
        }
        SceneObject o = SceneSampler.pick(rng, u);
        question = "what COLOR is the " + o.shape() + "?";
        target = o.color();
        for (int i = 0; i < 10; i++) {
          int form = rng.nextInt(10);
          answers.add(
              form < 6
                  ? target
                  : form < 8 ? capital(target) : form < 9 ? target + "." : "the " + target);
        }
      }
      String id = split + "_" + made;
      t.add(
          id,
          TaskRows.row(
              "image_id",
              "img_" + id,
              "question_id",
              (long) made,
              "question",
              question,
              "image",
              TaskRows.image(scene, "img_" + id),
              "answers",
              answers),
          target);
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.string("image_id"),
                    ParquetTable.int64("question_id"),
                    ParquetTable.string("question"),
                    ParquetTable.image("image"),
                    ParquetTable.stringList("answers")),
                t.rows)),
        t.samples,
        t.targets);
  }

  static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
