package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.v2drop.core.checkpoint.CheckpointFiles;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.TensorInfo;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.testing.Fixtures;

/** Memory is planned before loading: the parts add up, and a plan the device cannot hold stops. */
class MemoryPlanIT {
  static final Path A = Fixtures.dir("tiny-llava-a");

  @Test
  void thePartsFollowTheCheckpointAndTheWorkload() {
    LlavaConfig c = LlavaConfig.load(A);
    long elements = 0;
    for (TensorInfo t : CheckpointFiles.tensors(A).values()) {
      elements += t.numel();
    }
    MemoryPlan.Workload w = new MemoryPlan.Workload(3, 100, 20);
    MemoryPlan half = MemoryPlan.of(A, c, ComputeDType.FLOAT16, w);
    MemoryPlan full = MemoryPlan.of(A, c, ComputeDType.FLOAT32, w);
    assertEquals(2 * elements, half.weightBytes(), "every tensor of the checkpoint is a weight");
    assertEquals(2 * half.weightBytes(), full.weightBytes());
    // 2 (k, v) x 6 layers x 3 sequences x 4 kv heads x 16 head dim x 120 tokens x 2 bytes
    assertEquals(2L * 6 * 3 * 4 * 16 * 120 * 2, half.kvCacheBytes());
    assertEquals(2 * half.kvCacheBytes(), full.kvCacheBytes());
    assertEquals(
        half.weightBytes() + half.kvCacheBytes() + half.activationBytes(), half.totalBytes());
    assertTrue(
        MemoryPlan.of(A, c, ComputeDType.FLOAT16, new MemoryPlan.Workload(6, 100, 20))
                .activationBytes()
            > half.activationBytes(),
        "activations grow with the batch");
  }

  @Test
  void aPlanTheDeviceCannotHoldIsRefusedNamingEachPart() {
    LlavaConfig c = LlavaConfig.load(A);
    MemoryPlan plan =
        MemoryPlan.of(A, c, ComputeDType.FLOAT32, new MemoryPlan.Workload(1, 100, 20));
    plan.check(plan.totalBytes(), "gpu(0): exactly enough", "m"); // fits
    plan.check(-1, "unknown", "m"); // nothing says: allowed
    MemoryPlan.InsufficientMemoryException e =
        assertThrows(
            MemoryPlan.InsufficientMemoryException.class,
            () -> plan.check(plan.totalBytes() - 1, "gpu(0): 1 MiB free of 24,000 MiB", "m"));
    assertTrue(
        e.getMessage().startsWith("m: needs 2.1 MiB in float32 (weights 1.4 MiB"), e.getMessage());
    assertTrue(e.getMessage().contains("KV cache 0.4 MiB for 1 x 120 tokens"), e.getMessage());
    assertTrue(e.getMessage().contains("but gpu(0): 1 MiB free"), e.getMessage());
    assertTrue(e.getMessage().contains("float16 halves the weights"), e.getMessage());
  }

  /** The real path: the engine refuses a workload no machine holds, before reading weights. */
  @Test
  void loadingRefusesAnImpossibleWorkload() {
    MemoryPlan.InsufficientMemoryException e =
        assertThrows(
            MemoryPlan.InsufficientMemoryException.class,
            () ->
                LlavaEngine.load(
                    A,
                    Device.cpu(),
                    ComputeDType.FLOAT16,
                    c -> new MemoryPlan.Workload(1_000_000, 100_000, 16)));
    assertTrue(e.getMessage().startsWith(A + ": needs "), e.getMessage());
    assertTrue(e.getMessage().contains("cpu: "), e.getMessage());
    assertTrue(e.getMessage().contains("a smaller batch or shorter prompts"), e.getMessage());
    try (LlavaEngine ok = LlavaEngine.load(A, Device.cpu(), ComputeDType.FLOAT16)) {
      assertEquals(ComputeDType.FLOAT16, ok.model().dtype(), "a typical workload loads");
    }
  }
}
