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

  /** The trained demo model. */
  public static final Path DEMO_MODEL = ROOT.resolve("models/shapes-llava-v2");

  private Repo() {}
}
