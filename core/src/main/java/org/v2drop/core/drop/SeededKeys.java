package org.v2drop.core.drop;

import java.nio.charset.StandardCharsets;

/**
 * Reproducible random keys for the random baseline: {@code seed = splitmix64(fnv1a64(sampleId) ^
 * layer * golden)}, {@code key_i = splitmix64(seed ^ position_i)}; the k smallest keys (unsigned)
 * are kept. Independent of partitioning, thread and run; tools/drop_reference.py implements the
 * same function.
 */
public final class SeededKeys {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private SeededKeys() {}

  /** FNV-1a 64-bit hash of the UTF-8 bytes. */
  public static long fnv1a64(String text) {
    long h = 0xCBF29CE484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xFF);
      h *= 0x100000001B3L;
    }
    return h;
  }

  /** SplitMix64 finaliser of {@code x + golden}. */
  public static long splitmix64(long x) {
    long z = x + GOLDEN;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One key per position. */
  public static long[] keys(String sampleId, int layer, long[] positions) {
    long seed = splitmix64(fnv1a64(sampleId) ^ (layer * GOLDEN));
    long[] out = new long[positions.length];
    for (int i = 0; i < positions.length; i++) {
      out[i] = splitmix64(seed ^ positions[i]);
    }
    return out;
  }
}
