package org.v2drop.jobs.shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.v2drop.core.bench.Sample;

/** Collects a task's rows, the samples the readers will build from them and the targets. */
final class TaskRows {
  private final String task;
  private final String split;
  final List<Map<String, Object>> rows = new ArrayList<>();
  final List<Sample> samples = new ArrayList<>();
  final List<String> targets = new ArrayList<>();

  TaskRows(String task, String split) {
    this.task = task;
    this.split = split;
  }

  /** Adds a row; image values become the sample's images, in column order. */
  void add(String id, Map<String, Object> row, String target) {
    add(id, row, List.of(), target);
  }

  /**
   * Adds a row whose sample also carries {@code frames} (a video's frames as rendered, which the
   * row itself does not hold).
   */
  void add(String id, Map<String, Object> row, List<byte[]> frames, String target) {
    rows.add(row);
    Map<String, Object> columns = new LinkedHashMap<>();
    List<byte[]> images = new ArrayList<>();
    row.forEach(
        (k, v) -> {
          if (v instanceof ParquetTable.Image img) {
            images.add(img.bytes());
          } else if (v instanceof List<?> l
              && !l.isEmpty()
              && l.get(0) instanceof ParquetTable.Image) {
            l.forEach(x -> images.add(((ParquetTable.Image) x).bytes()));
          } else {
            columns.put(k, v instanceof Integer i ? Long.valueOf(i) : v);
          }
        });
    images.addAll(frames);
    samples.add(new Sample(id, columns, images, task + "/" + split));
    targets.add(target);
  }

  static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A scene rendered as an HF image struct. */
  static ParquetTable.Image image(Scene scene, String name) {
    return new ParquetTable.Image(SceneRenderer.png(scene), name + ".png");
  }

  /** A scene of 3..6 objects. */
  static Scene scene(SplittableRandom rng) {
    return SceneSampler.scene(rng, 3 + rng.nextInt(4));
  }
}
