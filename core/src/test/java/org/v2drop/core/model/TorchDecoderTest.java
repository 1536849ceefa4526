package org.v2drop.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused decoder module shipped in the core jar is what {@code tools/make_decoder_module.py}
 * describes: deterministic tensor arithmetic and the fused attention kernel, nothing random and no
 * other kernel (a binary resource otherwise escapes review; FusedDecoderIT checks its results).
 */
class TorchDecoderTest {
  @TempDir Path dir;

  @Test
  void moduleUsesOnlyTheReadableLayersOps() throws IOException {
    String code = TorchAttentionTest.moduleCode(dir, TorchDecoder.RESOURCE);
    Set<String> ops = TorchAttentionTest.torchOps(code);
    Set<String> allowed =
        Set.of(
            // arithmetic and shapes of DecoderLayer / Ops / Attention
            "add",
            "mul",
            "div",
            "matmul",
            "square",
            "mean",
            "sqrt",
            "sigmoid",
            "silu",
            "ones_like",
            "to",
            "cat",
            "slice",
            "reshape",
            "transpose",
            "expand",
            "unsqueeze",
            "copy_",
            "size",
            "numel",
            "eq",
            "ne",
            "floordiv",
            "pow",
            "len",
            // a decode token: embedding and RoPE rows by index, greedy argmax
            "tensor",
            "index",
            "index_select",
            "argmax",
            // M-RoPE: each column's table row chosen by its position-id row
            "where",
            "select",
            // a drop boundary: its rows gathered, the V2Drop variation of the next one
            "sub",
            "norm",
            // the causal mask of a segment after cached columns (Attention.causalMask)
            "ones",
            "zeros",
            "empty",
            "append",
            "triu",
            "masked_fill",
            // a sliding window: the band of a prefill's mask, a decode step's cut columns
            "tril",
            "arange",
            "lt",
            "le",
            "gt",
            "ge",
            "__and__",
            "__or__",
            "scaled_dot_product_attention");
    TorchAttentionTest.assertOnly(allowed, ops, code);
    assertTrue(
        ops.containsAll(Set.of("scaled_dot_product_attention", "matmul", "silu", "copy_")),
        "the layer's kernels: " + ops);
    assertTrue(
        code.contains("def layer(self")
            && code.contains("def prefill_layers(self")
            && code.contains("def decode_token(self"),
        code);
    assertTrue(!code.contains("dropout") && !code.contains("rand"), "nothing random: " + code);
  }
}
