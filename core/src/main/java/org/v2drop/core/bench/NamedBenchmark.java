package org.v2drop.core.bench;

/**
 * A benchmark registered under a task name (lmms-eval's, or a ShapesVQA task reusing its reader and
 * scorer).
 */
abstract class NamedBenchmark implements Benchmark {
  private final String name;

  NamedBenchmark(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }
}
