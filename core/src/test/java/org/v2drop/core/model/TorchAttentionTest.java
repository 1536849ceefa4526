package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TorchScript module shipped in the core jar is what {@code tools/make_sdpa_module.py}
 * describes: its methods call nothing but {@code scaled_dot_product_attention}, with no dropout,
 * the causal flag only in {@code causal}, a mask only in {@code masked}, and the caller's scale. (A
 * binary resource otherwise escapes review.)
 */
class TorchAttentionTest {
  @TempDir Path dir;

  @Test
  void moduleCallsOnlyTheFusedKernelWithTheDocumentedArguments() throws IOException {
    String code = moduleCode();
    List<String> calls = new ArrayList<>();
    Matcher m =
        Pattern.compile("def (\\w+)\\(self[^)]*\\)[^:]*:\\s*(.*?)(?=\\n  def |\\z)", Pattern.DOTALL)
            .matcher(code);
    while (m.find()) {
      String body = m.group(2).replaceAll("\\s+", " ").trim();
      calls.add(m.group(1) + ": " + body);
    }
    assertEquals(
        List.of(
            "forward: return (self).causal(q, k, v, scale, )",
            "causal: _0 = torch.scaled_dot_product_attention(q, k, v, None, 0., True, scale=scale) return _0",
            "full: _1 = torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=scale) return _1",
            "masked: _2 = torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=scale) return _2",
            "silu: return torch.silu(x)"),
        calls,
        code);
  }

  private String moduleCode() throws IOException {
    return moduleCode(dir, TorchAttention.RESOURCE);
  }

  /** The torch ops a module's code calls ({@code torch.NAME(}). */
  static java.util.Set<String> torchOps(String code) {
    java.util.Set<String> ops = new java.util.TreeSet<>();
    Matcher m = Pattern.compile("\\btorch\\.(\\w+)\\(").matcher(code);
    while (m.find()) {
      ops.add(m.group(1));
    }
    return ops;
  }

  /** Fails, showing the code, when {@code ops} holds one outside {@code allowed}. */
  static void assertOnly(java.util.Set<String> allowed, java.util.Set<String> ops, String code) {
    java.util.Set<String> unexpected = new java.util.TreeSet<>(ops);
    unexpected.removeAll(allowed);
    assertEquals(java.util.Set.of(), unexpected, code);
  }

  /**
   * A shipped TorchScript module's code (next to this package's classes); read from a copy on disk,
   * because torch writes stored entries that ZipInputStream refuses.
   */
  static String moduleCode(Path dir, String resource) throws IOException {
    Path copy = dir.resolve(resource);
    try (InputStream in = TorchAttention.class.getResourceAsStream(resource)) {
      assertNotNull(in, "resource " + resource + " next to TorchAttention");
      Files.copy(in, copy);
    }
    try (ZipFile zip = new ZipFile(copy.toFile())) {
      ZipEntry code =
          zip.stream()
              .filter(e -> e.getName().endsWith("/code/__torch__.py"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(resource + " has no code/__torch__.py"));
      return new String(zip.getInputStream(code).readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
