package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.checkpoint.TextConfig;

/**
 * Llama-style decoder weights (Llama, or Qwen2 with q/k/v biases), transposed for {@code x @ wT},
 * with q/k/v fused into one projection.
 *
 * @param embedTokens (vocab, hidden)
 * @param finalNorm (hidden)
 * @param lmHeadT (hidden, vocab)
 */
public record DecoderWeights(
    NDArray embedTokens, List<Layer> layers, NDArray finalNorm, NDArray lmHeadT) {

  /**
   * One decoder layer.
   *
   * @param inputNorm (hidden)
   * @param qkvT fused projection: (hidden, (heads + 2 * kvHeads) * headDim)
   * @param qkvBias its bias ((heads + 2 * kvHeads) * headDim), or null (Llama)
   * @param qT view of the q columns: (hidden, heads * headDim)
   * @param qBias view of the q bias, or null
   * @param kT view of the k columns: (hidden, kvHeads * headDim)
   * @param kBias view of the k bias, or null
   * @param oT (heads * headDim, hidden)
   * @param postNorm (hidden)
   * @param gateT (hidden, intermediate)
   * @param upT (hidden, intermediate)
   * @param downT (intermediate, hidden)
   */
  public record Layer(
      NDArray inputNorm,
      NDArray qkvT,
      NDArray qkvBias,
      NDArray qT,
      NDArray qBias,
      NDArray kT,
      NDArray kBias,
      NDArray oT,
      NDArray postNorm,
      NDArray gateT,
      NDArray upT,
      NDArray downT) {}

  /**
   * Reads the decoder under the canonical names {@code text.*} and {@code lm_head.*} (the LM head
   * falls back to the tied embeddings when the checkpoint has none and ties them).
   *
   * @param qkvBias whether q/k/v projections have biases (Qwen2)
   */
  public static DecoderWeights load(WeightReader r, TextConfig c, boolean qkvBias) {
    int d = c.hiddenSize();
    int m = c.intermediateSize();
    int qOut = c.numAttentionHeads() * c.headDim();
    int kvOut = c.numKeyValueHeads() * c.headDim();
    NDArray embed =
        r.create(
            new long[] {c.vocabSize(), d}, r.read("text.embed_tokens.weight", c.vocabSize(), d));
    List<Layer> layers = new ArrayList<>();
    NDIndex qCols = new NDIndex("0:" + qOut + ", :");
    NDIndex kCols = new NDIndex(qOut + ":" + (qOut + kvOut) + ", :");
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String l = "text.layers." + i + ".";
      String a = l + "self_attn.";
      NDArray qkv =
          r.create(
              new long[] {(long) qOut + 2L * kvOut, d},
              r.read(a + "q_proj.weight", qOut, d),
              r.read(a + "k_proj.weight", kvOut, d),
              r.read(a + "v_proj.weight", kvOut, d));
      NDArray bias =
          qkvBias
              ? r.create(
                  new long[] {(long) qOut + 2L * kvOut},
                  r.read(a + "q_proj.bias", qOut),
                  r.read(a + "k_proj.bias", kvOut),
                  r.read(a + "v_proj.bias", kvOut))
              : null;
      layers.add(
          new Layer(
              r.vec(l + "input_layernorm.weight", d),
              qkv.transpose(),
              bias,
              qkv.get(qCols).transpose(),
              bias == null ? null : bias.get("0:" + qOut),
              qkv.get(kCols).transpose(),
              bias == null ? null : bias.get(qOut + ":" + (qOut + kvOut)),
              r.matT(a + "o_proj.weight", d, qOut),
              r.vec(l + "post_attention_layernorm.weight", d),
              r.matT(l + "mlp.gate_proj.weight", m, d),
              r.matT(l + "mlp.up_proj.weight", m, d),
              r.matT(l + "mlp.down_proj.weight", d, m)));
    }
    NDArray lmHeadT;
    if (r.has("lm_head.weight") || !c.tieWordEmbeddings()) {
      lmHeadT = r.matT("lm_head.weight", c.vocabSize(), d);
    } else {
      lmHeadT = embed.transpose();
    }
    return new DecoderWeights(embed, List.copyOf(layers), r.vec("text.norm.weight", d), lmHeadT);
  }
}
