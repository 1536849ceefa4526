package org.v2drop.jobs.shapes;

import java.util.List;
import java.util.Map;
import org.v2drop.core.bench.Sample;

/**
 * One split of one ShapesVQA task: the Parquet files (paths relative to the task's root, in the
 * real layout), the samples as the readers will see them, and the answer a perfect model gives for
 * each (the training target).
 */
public record GeneratedTask(
    Map<String, ParquetTable> files, List<Sample> samples, List<String> targets) {}
