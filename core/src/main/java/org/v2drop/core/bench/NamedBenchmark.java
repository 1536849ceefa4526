package org.v2drop.core.bench;

/**
 * A benchmark registered under a task name (lmms-eval's, or a ShapesVQA task reusing its reader and
 * scorer).
 */
abstract class NamedBenchmark implements Benchmark {
  private final String name;
  private final DatasetLayout layout;

  NamedBenchmark(String name, DatasetLayout layout) {
    this.name = name;
    this.layout = layout;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final DatasetLayout layout() {
    return layout;
  }
}
