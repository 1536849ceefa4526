package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.testing.Checkpoints;
import org.v2drop.core.testing.Fixtures;
import org.v2drop.core.testing.SafetensorsWriter.Raw;

/**
 * Hundreds of generations leave no NDArray behind, the arrays alive during decoding do not grow per
 * step, and closing an engine gives its native memory back.
 */
class MemoryIT {
  static final int WIDE = 40960;

  @TempDir Path tmp;

  @Test
  void liveArraysStayFlatOver500Generations() {
    String[] methods = {
      "vanilla", "v2drop@2:0.5,4:0.25", "fastv@2:0.5", "pdrop@1:0.5,3:0.5,5:0.5", "random@2:0.3"
    };
    try (LlavaEngine engine = LlavaEngine.load(Fixtures.dir("tiny-llava-a"), Device.cpu())) {
      EncodedInput input = BadInputIT.encode(engine, "tiny-llava-a");
      int loaded = engine.model().liveModelArrays();
      assertTrue(loaded > 50, "weights are counted: " + loaded);
      engine.generate(input, MethodSpec.parse("vanilla"), 6);
      int weights = engine.model().liveModelArrays();
      assertEquals(
          loaded + 2, weights, "the first generation adds the model's RoPE table (cos, sin) only");
      for (int i = 0; i < 500; i++) {
        Generation g = engine.generate(input, MethodSpec.parse(methods[i % methods.length]), 6);
        assertEquals(6, g.tokens().length);
        assertEquals(
            g.liveArraysAfterPrefill(),
            g.liveArraysAtEnd(),
            "arrays alive during decoding grew from prefill to the last step in generation " + i);
        if (i % 50 == 0 || i == 499) {
          assertEquals(
              weights, engine.model().liveModelArrays(), "live NDArrays after generation " + i);
        }
      }
    }
  }

  @Test
  void loadingAndClosingAnEngineRepeatedlyKeepsTheRssFlat() throws Exception {
    Path dir = wideCheckpoint(tmp.resolve("wide"));
    long weightsMb = 6L * 3 * 64 * WIDE * 4 / (1 << 20); // the widened MLP weights alone, as F32
    long cold = rssMb();
    try (LlavaEngine engine = LlavaEngine.load(dir, Device.cpu())) {
      long loaded = rssMb();
      assertTrue(
          loaded - cold > weightsMb * 0.8,
          "the RSS sees the model: +"
              + (loaded - cold)
              + " MB for "
              + weightsMb
              + " MB of weights");
    }
    long base =
        rssMb(); // the allocator may keep freed pages for reuse: the baseline is after one cycle
    for (int cycle = 0; cycle < 5; cycle++) {
      LlavaEngine.load(dir, Device.cpu()).close();
      long after = rssMb();
      assertTrue(
          after - base < weightsMb / 2,
          "cycle "
              + cycle
              + ": RSS "
              + after
              + " MB after close vs "
              + base
              + " MB after the first cycle ("
              + weightsMb
              + " MB of weights per load)");
    }
  }

  /**
   * tiny-llava-a with 256x wider MLPs (~190 MB of F32 weights), so the native memory shows in the
   * RSS.
   */
  static Path wideCheckpoint(Path dir) throws IOException {
    Checkpoints.copy("tiny-llava-a", dir);
    Checkpoints.rewrite(
        dir,
        t -> {
          for (int i = 0; i < 6; i++) {
            String p = "language_model.model.layers." + i + ".mlp.";
            byte[] zeros = new byte[64 * WIDE * 2];
            String dtype = t.get(p + "gate_proj.weight").dtype();
            t.put(p + "gate_proj.weight", new Raw(dtype, new long[] {WIDE, 64}, zeros));
            t.put(p + "up_proj.weight", new Raw(dtype, new long[] {WIDE, 64}, zeros));
            t.put(p + "down_proj.weight", new Raw(dtype, new long[] {64, WIDE}, zeros));
          }
          return t;
        });
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        Files.readString(config)
            .replace("\"intermediate_size\": 160", "\"intermediate_size\": " + WIDE));
    return dir;
  }

  /**
   * Resident set size of this JVM in MiB, after a GC so that unreachable file mappings are
   * released.
   */
  static long rssMb() throws IOException, InterruptedException {
    for (int i = 0;
        i < 3;
        i++) { // cleaners of direct buffers and file mappings run after the collection
      System.gc();
      Thread.sleep(100);
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
