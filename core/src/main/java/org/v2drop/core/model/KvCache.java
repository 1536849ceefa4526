package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One decoder layer's keys and values. Lengths differ per layer once tokens are dropped; dropped
 * tokens never enter the caches of later layers. The first append (the prefill) allocates room for
 * {@code reserve} more tokens (the decode steps), so decoding writes each new key/value in place
 * instead of copying the whole cache per token; a cache that outgrows its room is reallocated with
 * room to spare. In a batch, all sequences share the time axis: columns a shorter sequence does not
 * fill are padding, hidden from attention by the caller's key mask.
 */
public final class KvCache {
  private final int reserve;
  private NDArray keys; // (batch, kvHeads, capacity, headDim), columns [0, length) written
  private NDArray values;
  private long capacity; // columns of the buffers
  private long length;

  /** A cache that keeps room for {@code reserve} tokens after its first append. */
  public KvCache(int reserve) {
    if (reserve < 0) {
      throw new IllegalArgumentException("reserve must be >= 0, found " + reserve);
    }
    this.reserve = reserve;
  }

  /**
   * Makes room for {@code n} more columns of (batch, kvHeads, headDim) tokens of {@code type}, as
   * {@link #append} would, for a caller that writes them itself ({@link TorchDecoder}); {@link
   * #advance} then counts them.
   */
  void reserve(NDManager m, long batch, long kvHeads, long headDim, DataType type, long n) {
    if (keys == null || length + n > capacity) {
      grow(m, batch, kvHeads, headDim, type, length + n + Math.max(reserve, length));
    }
  }

  /**
   * Takes buffers a caller allocated and wrote the first {@code n} columns of (a fused prefill
   * call), with this cache's room: {@link #capacity(long)} columns. The cache must be empty.
   */
  void adopt(NDArray keys, NDArray values, long n) {
    if (this.keys != null) {
      throw new IllegalStateException("the cache already holds buffers");
    }
    NDScope.unregister(keys, values); // the cache outlives the call's scope
    this.keys = keys;
    this.values = values;
    this.capacity = capacity(n);
    this.length = n;
  }

  /** The columns this cache allocates when its first append brings {@code n} columns. */
  long capacity(long n) {
    return n + reserve;
  }

  /** Counts {@code n} columns written in place after {@link #reserve}. */
  void advance(long n) {
    length += n;
  }

  /** The whole key buffer (batch, kvHeads, capacity, headDim): columns past length are unset. */
  NDArray keyBuffer() {
    return keys;
  }

  /** The whole value buffer. */
  NDArray valueBuffer() {
    return values;
  }

  /** Appends new keys/values (batch, kvHeads, n, headDim); the arrays passed in are closed. */
  public void append(NDArray newKeys, NDArray newValues) {
    long n = newKeys.getShape().get(2);
    if (keys == null || length + n > capacity) {
      Shape s = newKeys.getShape();
      grow(
          newKeys.getManager(),
          s.get(0),
          s.get(1),
          s.get(3),
          newKeys.getDataType(),
          length + n + Math.max(reserve, length));
    }
    NDIndex rows = columns(length, length + n);
    keys.set(rows, newKeys);
    values.set(rows, newValues);
    newKeys.close();
    newValues.close();
    length += n;
  }

  private void grow(
      NDManager m, long batch, long kvHeads, long headDim, DataType type, long capacity) {
    Shape room = new Shape(batch, kvHeads, capacity, headDim);
    // uninitialized (torch.empty): columns are read only after they are written, so no memset per
    // layer
    NDArray k = m.create(room, type);
    NDArray v = m.create(room, type);
    NDScope.unregister(k, v); // the cache outlives the layer call that allocates it
    if (keys != null) {
      NDIndex old = columns(0, length);
      try (NDArray ok = keys.get(old);
          NDArray ov = values.get(old)) {
        k.set(old, ok);
        v.set(old, ov);
      }
      keys.close();
      values.close();
    }
    keys = k;
    values = v;
    this.capacity = capacity;
  }

  /**
   * The written keys (batch, kvHeads, length, headDim): a view, to be closed by the caller's scope.
   */
  public NDArray keys() {
    return view(keys);
  }

  /**
   * The written values (batch, kvHeads, length, headDim): a view, to be closed by the caller's
   * scope.
   */
  public NDArray values() {
    return view(values);
  }

  private NDArray view(NDArray full) {
    return full.get(columns(0, length));
  }

  /**
   * Columns [from, to) of the time axis, built without parsing an index string (this runs per layer
   * per token).
   */
  private static NDIndex columns(long from, long to) {
    return new NDIndex().addAllDim(2).addSliceDim(from, to);
  }

  /** Written columns (the longest sequence's cached tokens). */
  public long length() {
    return length;
  }
}
