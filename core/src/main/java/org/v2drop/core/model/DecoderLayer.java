package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import org.v2drop.core.checkpoint.TextConfig;

/**
 * One Llama-style decoder layer: RMSNorm → GQA attention (q/k/v biases for Qwen2) with RoPE and a
 * KV cache → RMSNorm → SwiGLU MLP.
 */
public final class DecoderLayer {
  private final TextConfig c;
  private final DecoderWeights.Layer w;

  public DecoderLayer(TextConfig config, DecoderWeights.Layer weights) {
    this.c = config;
    this.w = weights;
  }

  /**
   * Runs the layer on {@code n} new tokens of each sequence in a batch, appending their keys/values
   * to {@code cache}. The fused q/k/v projection is viewed as (batch, heads + 2 kvHeads, n,
   * headDim) once and split, not indexed; queries and keys are rotated together. Gate and up are
   * two products, not one fused and split: SiLU on a contiguous gate costs about half what it costs
   * on half of a fused output (measured at 66 tokens).
   *
   * @param x (batch, n, hidden) layer input
   * @param in the tokens' RoPE tables and attention masks
   * @param cache this layer's keys and values, to which the tokens' are appended
   * @return (batch, n, hidden) layer output
   */
  public NDArray forward(NDArray x, AttentionInputs in, KvCache cache) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    int heads = c.numAttentionHeads();
    int kvHeads = c.numKeyValueHeads();
    NDArray qkv =
        Ops.linear(Ops.rmsNorm(x, w.inputNorm(), (float) c.rmsNormEps()), w.qkvT(), w.qkvBias())
            .reshape(b, n, heads + 2L * kvHeads, c.headDim())
            .transpose(0, 2, 1, 3); // (b, all heads, n, hd)
    NDList qkAndV = qkv.split(new long[] {heads + kvHeads}, 1);
    NDList qAndK = Attention.rotate(qkAndV.get(0), in.cos(), in.sin()).split(new long[] {heads}, 1);
    cache.append(qAndK.get(1), qkAndV.get(1));
    NDArray attn =
        Attention.causal(
            qAndK.get(0), cache.keys(), cache.values(), in.keyMask(), c.slidingWindow());
    NDArray h = x.add(attn.matMul(w.oT()));
    NDArray normed = Ops.rmsNorm(h, w.postNorm(), (float) c.rmsNormEps());
    // SiLU is torch's kernel run as TorchScript: its result is an inference tensor, never updated
    // in
    // place
    NDArray act = Ops.activation(normed.matMul(w.gateT()), "silu").mul(normed.matMul(w.upT()));
    return h.addi(act.matMul(w.downT()));
  }

  /**
   * Head-averaged attention of the token at row {@code queryIndex} over rows 0..queryIndex (0
   * outside the decoder's sliding window, if it has one), computed with this layer's
   * input_layernorm, q/k projections and RoPE on {@code x} (one query row; no full attention
   * matrix).
   *
   * @param x (n, hidden)
   * @param cos (n, headDim)
   * @param sin (n, headDim) signed sin
   * @return (queryIndex + 1)
   */
  public float[] lastRowAttention(NDArray x, NDArray cos, NDArray sin, long queryIndex) {
    long n = queryIndex + 1;
    NDArray normed =
        Ops.rmsNorm(x.get(new NDIndex("0:" + n + ", :")), w.inputNorm(), (float) c.rmsNormEps());
    NDIndex row = new NDIndex(queryIndex + ":" + n + ", :");
    NDArray q = heads(Ops.linear(normed.get(row), w.qT(), w.qBias()), 1, c.numAttentionHeads());
    NDArray k = heads(Ops.linear(normed, w.kT(), w.kBias()), n, c.numKeyValueHeads());
    NDIndex rows = new NDIndex("0:" + n + ", :");
    NDArray q1 = Attention.rotate(q, cos.get(row), sin.get(row));
    NDArray k1 = Attention.rotate(k, cos.get(rows), sin.get(rows));
    return Attention.rowProbabilities(q1, k1, queryIndex, c.slidingWindow());
  }

  /** (n, heads * headDim) → (heads, n, headDim). */
  private NDArray heads(NDArray x, long n, int numHeads) {
    return x.reshape(n, numHeads, c.headDim()).transpose(1, 0, 2);
  }
}
