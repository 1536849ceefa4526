package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;

/**
 * shapes_video: Video-MME-shaped questions over 4 frames (a list of image structs per row): which
 * way one object moves, in which frame an object appears (it is in one frame only), and the colour
 * an object has in the last frame.
 */
public final class VideoTask implements ShapesTask {
  public static final int FRAMES = 4;
  private static final List<String> DIRECTIONS = List.of("left", "right", "up", "down");

  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_VIDEO;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    int made = 0;
    while (made < count) {
      String id = split + "_" + made;
      Clip clip =
          switch (made % 3) {
            case 0 -> motion(rng);
            case 1 -> appearance(rng);
            default -> colourChange(rng);
          };
      if (clip == null) {
        continue;
      }
      List<ParquetTable.Image> frames = new ArrayList<>();
      for (int f = 0; f < FRAMES; f++) {
        frames.add(TaskRows.image(clip.frames.get(f), id + "_frame" + f));
      }
      List<String> options = new ArrayList<>();
      for (int i = 0; i < clip.options.size(); i++) {
        options.add((char) ('A' + i) + ". " + clip.options.get(i));
      }
      String answer = String.valueOf((char) ('A' + clip.answer));
      t.add(
          id,
          TaskRows.row(
              "question_id",
              id,
              "video_id",
              "clip_" + id,
              "duration",
              "short",
              "domain",
              "shapes",
              "task_type",
              clip.type,
              "question",
              clip.question,
              "options",
              options,
              "answer",
              answer,
              "frames",
              frames),
          answer);
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.string("question_id"),
                    ParquetTable.string("video_id"),
                    ParquetTable.string("duration"),
                    ParquetTable.string("domain"),
                    ParquetTable.string("task_type"),
                    ParquetTable.string("question"),
                    ParquetTable.stringList("options"),
                    ParquetTable.string("answer"),
                    ParquetTable.imageList("frames")),
                t.rows)),
        t.samples,
        t.targets);
  }

  private record Clip(
      List<Scene> frames, String question, List<String> options, int answer, String type) {}

  /** Static distractors plus one object moving steadily in one direction. */
  private static Clip motion(SplittableRandom rng) {
    Scene base = SceneSampler.scene(rng, 3 + rng.nextInt(3));
    int dir = rng.nextInt(4);
    String color = SceneSampler.randomColor(rng);
    String shape = SceneSampler.randomShape(rng);
    if (base.has(color, shape)) {
      return null;
    }
    int step = 14;
    int size = 12;
    int start = 14 + rng.nextInt(10);
    int other = 14 + rng.nextInt(68);
    List<Scene> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      int along = dir % 2 == 0 ? SceneSampler.SIZE - start - f * step : start + f * step;
      int cx = dir < 2 ? along : other;
      int cy = dir < 2 ? other : along;
      SceneObject mover = new SceneObject(shape, color, cx, cy, size);
      List<SceneObject> objs =
          new ArrayList<>(
              base.objects().stream().filter(o -> !SceneSampler.overlaps(o, mover)).toList());
      objs.add(mover);
      frames.add(new Scene(SceneSampler.SIZE, SceneSampler.SIZE, objs));
    }
    return new Clip(
        frames,
        "In which direction does the " + color + " " + shape + " move?",
        DIRECTIONS,
        dir,
        "motion");
  }

  /** An object that is present in exactly one frame. */
  private static Clip appearance(SplittableRandom rng) {
    Scene base = SceneSampler.scene(rng, 3 + rng.nextInt(3));
    String color = SceneSampler.randomColor(rng);
    String shape = SceneSampler.randomShape(rng);
    if (base.has(color, shape)) {
      return null;
    }
    SceneObject extra = SceneSampler.place(rng, shape, color, base.objects());
    if (extra == null) {
      return null;
    }
    int when = rng.nextInt(FRAMES);
    List<Scene> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      List<SceneObject> objs = new ArrayList<>(base.objects());
      if (f == when) {
        objs.add(extra);
      }
      frames.add(new Scene(SceneSampler.SIZE, SceneSampler.SIZE, objs));
    }
    return new Clip(
        frames,
        "In which frame does the " + color + " " + shape + " appear?",
        List.of("frame 1", "frame 2", "frame 3", "frame 4"),
        when,
        "which_frame");
  }

  /** An object that changes colour once; asks for its colour at the end. */
  private static Clip colourChange(SplittableRandom rng) {
    Scene base = SceneSampler.scene(rng, 3 + rng.nextInt(3));
    String shape = SceneSampler.randomShape(rng);
    if (base.hasShape(shape)) {
      return null;
    }
    List<String> colors = new ArrayList<>(Palette.COLORS);
    SqaTask.shuffle(colors, rng);
    String first = colors.get(0);
    String last = colors.get(1);
    SceneObject o = SceneSampler.place(rng, shape, first, base.objects());
    if (o == null) {
      return null;
    }
    int change = 1 + rng.nextInt(FRAMES - 1);
    List<Scene> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      List<SceneObject> objs = new ArrayList<>(base.objects());
      objs.add(new SceneObject(shape, f < change ? first : last, o.cx(), o.cy(), o.size()));
      frames.add(new Scene(SceneSampler.SIZE, SceneSampler.SIZE, objs));
    }
    List<String> options = new ArrayList<>(colors.subList(0, 4));
    SqaTask.shuffle(options, rng);
    return new Clip(
        frames,
        "What color is the " + shape + " in the last frame?",
        options,
        options.indexOf(last),
        "color_change");
  }
}
