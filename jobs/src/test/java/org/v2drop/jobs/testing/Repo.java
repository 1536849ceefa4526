package org.v2drop.jobs.testing;

import java.nio.file.Path;

/**
 * Paths of the repository the tests run in (Maven runs each module's tests in the module folder).
 */
public final class Repo {
  public static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  /** The tiny LLaVA fixtures written by HF transformers (tools/make_fixtures.py). */
  public static final Path FIXTURE_A =
      ROOT.resolve("core/src/test/resources/fixtures/tiny-llava-a");

  public static final Path FIXTURE_B =
      ROOT.resolve("core/src/test/resources/fixtures/tiny-llava-b");

  /** The tiny Qwen2-VL / Qwen2.5-VL fixtures (tools/make_qwen2vl_fixtures.py). */
  public static final Path FIXTURE_QWEN2VL =
      ROOT.resolve("core/src/test/resources/fixtures/tiny-qwen2vl");

  /** A tiny LLaVA-NeXT checkpoint (AnyRes tiles, core's conformance fixture). */
  public static final Path FIXTURE_LLAVA_NEXT =
      ROOT.resolve("core/src/test/resources/fixtures/tiny-llava-next");

  public static final Path FIXTURE_QWEN25VL =
      ROOT.resolve("core/src/test/resources/fixtures/tiny-qwen25vl");

  /** The trained demo model. */
  public static final Path DEMO_MODEL = ROOT.resolve("models/shapes-llava-v2");

  private Repo() {}

  /**
   * Writes the ShapesVQA test split of {@code counts} (task → samples) under {@code dir}, one
   * dataset folder per task.
   */
  public static void writeSuite(Path dir, java.util.Map<String, Integer> counts, long seed)
      throws java.io.IOException {
    org.v2drop.jobs.shapes.ShapesSuite.write(
        new org.apache.hadoop.fs.Path(dir.toUri()),
        "test",
        counts,
        seed,
        new org.apache.hadoop.conf.Configuration(),
        m -> {});
  }
}
