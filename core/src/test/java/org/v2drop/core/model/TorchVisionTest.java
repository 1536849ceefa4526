package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused vision module shipped in the core jar is what {@code tools/make_vision_module.py}
 * describes: deterministic tensor arithmetic, torch's LayerNorm and the fused attention kernel,
 * nothing random and no other kernel (FusedVisionIT checks its results).
 */
class TorchVisionTest {
  @TempDir Path dir;

  @Test
  void moduleUsesOnlyTheReadableTowersOps() throws IOException {
    String code = TorchAttentionTest.moduleCode(dir, TorchVision.RESOURCE);
    Set<String> ops = TorchAttentionTest.torchOps(code);
    Set<String> allowed =
        Set.of(
            // arithmetic and shapes of VisionTower / Projector / Ops
            "add",
            "mul",
            "matmul",
            "pow",
            "tanh",
            "sigmoid",
            "silu",
            "gelu",
            "maximum",
            "tensor",
            "to",
            "cat",
            "slice",
            "select",
            "reshape",
            "permute",
            "expand",
            "size",
            "numel",
            "append",
            "eq",
            "gt",
            "lt",
            "__and__",
            "floordiv",
            "len",
            "scaled_dot_product_attention");
    TorchAttentionTest.assertOnly(allowed, ops, code);
    assertTrue(
        ops.containsAll(Set.of("scaled_dot_product_attention", "matmul")),
        "the tower's kernels: " + ops);
    // LayerNorm through torch.nn.functional (its code lives in another file of the archive)
    assertTrue(code.contains("torch.nn.functional.layer_norm"), code);
    assertTrue(code.contains("def features(self"), code);
    assertTrue(!code.contains("dropout") && !code.contains("rand"), "nothing random: " + code);
  }
}
