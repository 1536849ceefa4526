package org.v2drop.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates committed test fixtures; a missing fixture fails the test (never a skip). */
public final class Fixtures {
  public static final String REGENERATE =
      "python tools/make_fixtures.py core/src/test/resources/fixtures";

  /** Reference files written by a different generator version are rejected. */
  public static final int VERSION = 1;

  private Fixtures() {}

  /** {@code fixtures/<name>} from the test classpath. */
  public static Path dir(String name) {
    URL url = Fixtures.class.getClassLoader().getResource("fixtures/" + name);
    if (url == null) {
      throw new AssertionError(
          "missing test fixture fixtures/" + name + "; regenerate with: " + REGENERATE);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** A fixture's JSON, with its version checked. */
  public static JsonNode json(Path file) {
    try {
      JsonNode n = new ObjectMapper().readTree(Files.readString(file));
      int v = n.path("fixture_version").asInt(-1);
      if (v != VERSION) {
        throw new AssertionError(
            file
                + ": fixture_version "
                + v
                + " but the tests expect "
                + VERSION
                + "; regenerate with: "
                + REGENERATE);
      }
      return n;
    } catch (IOException e) {
      throw new AssertionError("cannot read fixture " + file + ": " + e.getMessage(), e);
    }
  }

  public static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  public static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
