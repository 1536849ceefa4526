package org.v2drop.jobs.shapes;

import java.util.List;
import java.util.Map;
import org.v2drop.core.bench.Sample;

/**
 * One split of one ShapesVQA task: the Parquet files (paths relative to the task's root, in the
 * real layout), other files beside them (a video task's mp4s), the samples as the generator built
 * them (a video sample's images are its frames as rendered), and the answer a perfect model gives
 * for each (the training target).
 */
public record GeneratedTask(
    Map<String, ParquetTable> files,
    Map<String, byte[]> blobs,
    List<Sample> samples,
    List<String> targets) {
  public GeneratedTask(
      Map<String, ParquetTable> files, List<Sample> samples, List<String> targets) {
    this(files, Map.of(), samples, targets);
  }
}
