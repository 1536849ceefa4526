package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.LlavaConversation;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.video.Mp4Writer;

/**
 * shapes_video: Video-MME's layout and questions over 4-frame clips (text rows in {@code
 * videomme/<split>-*.parquet}, one H.264 mp4 per sample in {@code data/<videoID>.mp4}, one frame
 * per scene at {@value #FPS} fps): which way one object moves, in which frame an object appears (it
 * is in one frame only), and the colour an object has in the last frame.
 */
public final class VideoTask implements ShapesTask {
  public static final int FRAMES = 4;

  /** Frame rate of the written clips (one scene per frame). */
  public static final int FPS = 2;

  private static final List<String> DIRECTIONS = List.of("left", "right", "up", "down");

  @Override
  public Benchmark benchmark() {
    return Benchmarks.SHAPES_VIDEO;
  }

  @Override
  public GeneratedTask generate(String split, int count, SplittableRandom rng) {
    TaskRows t = new TaskRows(name(), split);
    Map<String, byte[]> videos = new java.util.LinkedHashMap<>();
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
      List<byte[]> frames = new ArrayList<>();
      List<RgbImage> pixels = new ArrayList<>();
      for (int f = 0; f < FRAMES; f++) {
        byte[] png = SceneRenderer.png(clip.frames.get(f));
        frames.add(png);
        pixels.add(ImageDecoder.decode(png, id + " frame " + f));
      }
      String videoId = "clip_" + id;
      videos.put(benchmark().layout().videosDir() + "/" + videoId + ".mp4", mp4(pixels, videoId));
      List<String> options = new ArrayList<>();
      for (int i = 0; i < clip.options.size(); i++) {
        options.add((char) ('A' + i) + ". " + clip.options.get(i));
      }
      String answer = String.valueOf((char) ('A' + clip.answer));
      Map<String, Object> row =
          TaskRows.row(
              "question_id",
              id,
              "videoID",
              videoId,
              "duration",
              "short",
              "domain",
              "shapes",
              "sub_category",
              clip.type,
              "task_type",
              clip.type,
              "question",
              clip.question,
              "options",
              options,
              "answer",
              answer);
      t.add(id, row, frames, answer);
      made++;
    }
    return new GeneratedTask(
        Map.of(
            shard(split),
            new ParquetTable(
                ParquetTable.schema(
                    ParquetTable.string("question_id"),
                    ParquetTable.string("videoID"),
                    ParquetTable.string("duration"),
                    ParquetTable.string("domain"),
                    ParquetTable.string("sub_category"),
                    ParquetTable.string("task_type"),
                    ParquetTable.string("question"),
                    ParquetTable.stringList("options"),
                    ParquetTable.string("answer")),
                t.rows)),
        videos,
        t.samples,
        t.targets);
  }

  /** The frames as an H.264 mp4's bytes. */
  private static byte[] mp4(List<RgbImage> frames, String videoId) {
    try {
      java.nio.file.Path tmp = java.nio.file.Files.createTempFile("v2drop-shapes-", ".mp4");
      try {
        Mp4Writer.write(frames, FPS, tmp);
        return java.nio.file.Files.readAllBytes(tmp);
      } finally {
        java.nio.file.Files.deleteIfExists(tmp);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write the video of " + videoId, e);
    }
  }

  /**
   * The prompt the demo model is trained on: the rendered frames as images, in LLaVA's template.
   */
  @Override
  public String prompt(Sample sample) {
    return LlavaConversation.DEFAULT.apply(benchmark().question(sample), sample.images().size());
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
