package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;

/**
 * One decoder layer's keys and values. Lengths differ per layer once tokens are dropped; dropped tokens never enter
 * the caches of later layers. Replaced arrays are closed at once so cache memory follows the live length.
 */
public final class KvCache {
  private NDArray keys; // (kvHeads, length, headDim)
  private NDArray values; // (kvHeads, length, headDim)

  /** Appends new keys/values (kvHeads, n, headDim) and returns nothing; read with {@link #keys()}. */
  public void append(NDArray newKeys, NDArray newValues) {
    if (keys == null) {
      keys = newKeys;
      values = newValues;
      return;
    }
    NDArray k = keys.concat(newKeys, 1);
    NDArray v = values.concat(newValues, 1);
    keys.close();
    values.close();
    newKeys.close();
    newValues.close();
    keys = k;
    values = v;
  }

  public NDArray keys() {
    return keys;
  }

  public NDArray values() {
    return values;
  }

  /** Cached tokens. */
  public long length() {
    return keys == null ? 0 : keys.getShape().get(1);
  }
}
