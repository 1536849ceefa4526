package org.v2drop.core.drop;

/**
 * What a drop policy may look at, at the boundary before decoder layer {@link #layer()} during
 * prefill. Every accessor is lazy: nothing is computed unless the policy asks.
 */
public interface LayerView {
  /** The decoder layer about to run. */
  int layer();

  /** The sample's id (seeds the random baseline). */
  String sampleId();

  /** Original positions of the alive vision tokens, ascending: (alive). */
  long[] alivePositions();

  /**
   * {@code ||x_i(l) - x_i(l-1)||_2} per alive vision token over the hidden dimension, fp32:
   * (alive).
   */
  float[] variation();

  /**
   * Head-averaged softmax attention probability from the last prompt token to each alive vision
   * token (softmax over all keys, causal): (alive). Only this one query row is computed.
   */
  float[] lastTokenAttention(AttentionSource source);
}
