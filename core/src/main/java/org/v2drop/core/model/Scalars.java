package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Float constants (an RMSNorm epsilon, an attention scale, GELU coefficients) as shared 0-d float32
 * tensors. DJL's scalar overloads ({@code x.add(1e-5f)}) create and free a tensor on every call,
 * about 20 µs each against 5 µs for the same op with a tensor operand; the hot paths pass these
 * instead, with the same floats.
 *
 * <p>The tensors live for the JVM in a CPU manager of their own and are only ever read: use them as
 * the second operand (an op's result belongs to its first operand's manager), never as the target
 * of an in-place op. Torch treats a 0-d CPU tensor like a Python scalar next to a tensor of any
 * device and float type (no promotion).
 */
public final class Scalars {
  private static final NDManager MANAGER = NDManager.newBaseManager("PyTorch");
  private static final ConcurrentHashMap<Integer, NDArray> CACHE = new ConcurrentHashMap<>();

  private Scalars() {}

  /** The 0-d float32 tensor holding {@code value}. */
  public static NDArray of(float value) {
    return CACHE.computeIfAbsent(Float.floatToIntBits(value), Scalars::create);
  }

  private static NDArray create(int bits) {
    NDArray scalar = MANAGER.create(Float.intBitsToFloat(bits));
    NDScope.unregister(
        scalar); // made inside some caller's scope, but shared for the JVM's lifetime
    return scalar;
  }
}
