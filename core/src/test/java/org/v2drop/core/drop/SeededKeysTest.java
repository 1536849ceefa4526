package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SeededKeysTest {
  @Test
  void fnvAndSplitmixMatchTheirPublishedVectors() {
    assertEquals(0xCBF29CE484222325L, SeededKeys.fnv1a64(""));
    assertEquals(0xAF63DC4C8601EC8CL, SeededKeys.fnv1a64("a"));
    assertEquals(0x85944171F73967E8L, SeededKeys.fnv1a64("foobar"));
    assertEquals(0xE220A8397B1DCDAFL, SeededKeys.splitmix64(0));
  }

  @Test
  void keysDependOnSampleLayerAndPositionOnly() {
    long[] pos = {5, 6, 7};
    assertArrayEquals(SeededKeys.keys("s1", 3, pos), SeededKeys.keys("s1", 3, pos));
    assertNotEquals(SeededKeys.keys("s1", 3, pos)[0], SeededKeys.keys("s2", 3, pos)[0]);
    assertNotEquals(SeededKeys.keys("s1", 3, pos)[0], SeededKeys.keys("s1", 4, pos)[0]);
    assertEquals(SeededKeys.keys("s1", 3, pos)[1], SeededKeys.keys("s1", 3, new long[] {6})[0]);
  }
}
