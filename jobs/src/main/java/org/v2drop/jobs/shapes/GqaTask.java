package org.v2drop.jobs.shapes;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_gqa: short answers (colour of a unique kind, kind of a unique colour, left/right
 * relation), in GQA's two-config layout: questions in testdev_balanced_instructions joined to
 * images in testdev_balanced_images by imageId.
 */
public final class GqaTask implements ShapesTask {
  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_GQA;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    List<Map<String, Object>> images = new java.util.ArrayList<>();
    int made = 0;
    while (made < count) {
      Scene scene = TaskRows.scene(rng);
      String[] qa = question(rng, scene, made % 3);
      if (qa == null) {
        continue;
      }
      String id = split + "_" + made;
      String imageId = "img_" + id;
      ParquetTable.Image img = TaskRows.image(scene, imageId);
      images.add(TaskRows.row("id", imageId, "image", img));
      t.add(
          id,
          TaskRows.row(
              "id",
              id,
              "imageId",
              imageId,
              "question",
              qa[0],
              "answer",
              qa[1],
              "fullAnswer",
              qa[1],
              "image",
              img),
          qa[1]);
      made++;
    }
    t.rows.forEach(r -> r.remove("image")); // the instructions table holds no images
    return new GeneratedTask(
        Map.of(
            shard(split),
                new ParquetTable(
                    ParquetTable.schema(
                        ParquetTable.string("id"),
                        ParquetTable.string("imageId"),
                        ParquetTable.string("question"),
                        ParquetTable.string("answer"),
                        ParquetTable.string("fullAnswer")),
                    t.rows),
            imageShard(split),
                new ParquetTable(
                    ParquetTable.schema(ParquetTable.string("id"), ParquetTable.image("image")),
                    images)),
        t.samples,
        t.targets);
  }

  static String[] question(SplittableRandom rng, Scene scene, int kind) {
    switch (kind) {
      case 0:
        {
          List<SceneObject> u = scene.uniqueShapes();
          if (u.isEmpty()) {
            return null;
          }
          SceneObject o = SceneSampler.pick(rng, u);
          return new String[] {"What color is the " + o.shape() + "?", o.color()};
        }
      case 1:
        {
          List<SceneObject> u = scene.uniqueColors();
          if (u.isEmpty()) {
            return null;
          }
          SceneObject o = SceneSampler.pick(rng, u);
          return new String[] {"What shape is the " + o.color() + " object?", o.shape()};
        }
      default:
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
          return new String[] {
            "Is the " + a.name() + " to the left or to the right of the " + b.name() + "?",
            a.cx() < b.cx() ? "left" : "right"
          };
        }
    }
  }
}
