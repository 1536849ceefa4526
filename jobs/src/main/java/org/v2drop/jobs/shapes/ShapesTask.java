package org.v2drop.jobs.shapes;

import java.util.SplittableRandom;

/** A ShapesVQA task: generates one split in the layout of the lmms-eval benchmark it imitates. */
public interface ShapesTask {
  /** Task (= benchmark) name, e.g. {@code shapes_pope}. */
  String name();

  /** Generates {@code count} samples of {@code split} from {@code rng}. */
  GeneratedTask generate(String split, int count, SplittableRandom rng);
}
