package org.v2drop.jobs.shapes;

import java.util.SplittableRandom;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.processor.LlavaConversation;

/** A ShapesVQA task: generates one split in the layout of the benchmark it is registered as. */
public interface ShapesTask {
  /** The registered benchmark this task writes (its name, layout, prompt and scorer). */
  Benchmark benchmark();

  /** Task (= benchmark) name, e.g. {@code shapes_pope}. */
  default String name() {
    return benchmark().name();
  }

  /** Generates {@code count} samples of {@code split} from {@code rng}. */
  GeneratedTask generate(String split, int count, SplittableRandom rng);

  /**
   * The one shard of a split, relative to the task's root, where the benchmark's layout reads it.
   */
  default String shard(String split) {
    return benchmark().layout().dir() + "/" + split + "-00000-of-00001.parquet";
  }

  /**
   * A sample's prompt in LLaVA-1.5's conversation, as the demo model is trained on it (the
   * benchmark's own prompt; a video task's frames as images).
   */
  default String prompt(Sample sample) {
    return benchmark().toPrompt(sample, LlavaConversation.DEFAULT).text();
  }

  /** The one shard of a split's image table (GQA's layout). */
  default String imageShard(String split) {
    return benchmark().layout().imagesDir() + "/" + split + "-00000-of-00001.parquet";
  }
}
