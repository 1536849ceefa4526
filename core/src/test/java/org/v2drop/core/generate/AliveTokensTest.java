package org.v2drop.core.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.v2drop.core.drop.PositionRule;

/**
 * The prefill's alive-token bookkeeping (spec "V²Drop" 3-5: text is never dropped, order is kept).
 */
class AliveTokensTest {
  // prompt: t0 t1 v2 v3 v4 v5 t6 v7 t8   (t = text, v = vision)
  private static final long[] VISION = {2, 3, 4, 5, 7};

  private static AliveTokens tokens() {
    return new AliveTokens(9, VISION, PositionIds.sequential(9, 1));
  }

  @Test
  void startsWithEveryTokenAlive() {
    AliveTokens a = tokens();
    assertEquals(9, a.count());
    assertEquals(5, a.visionCount());
    assertArrayEquals(new long[] {2, 3, 4, 5, 7}, a.visionRows());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, a.positions());
  }

  @Test
  void aDropKeepsTextAndTheChosenVisionTokensInOrderWithTheirOriginalPositions() {
    AliveTokens a = tokens();
    long[] rows = a.keep(new long[] {3, 7}, PositionRule.KEEP_ORIGINAL);
    assertArrayEquals(
        new long[] {0, 1, 3, 6, 7, 8}, rows, "rows of the current sequence that survive");
    assertArrayEquals(new long[] {0, 1, 3, 6, 7, 8}, a.positions());
    assertArrayEquals(new long[] {0, 1, 3, 6, 7, 8}, a.positionIds().row(0), "RoPE sees the gaps");
    assertEquals(2, a.visionCount());
    assertArrayEquals(new long[] {2, 4}, a.visionRows(), "rows now, not original positions");

    long[] second = a.keep(new long[] {7}, PositionRule.KEEP_ORIGINAL);
    assertArrayEquals(
        new long[] {0, 1, 3, 4, 5}, second, "rows relative to the already shortened sequence");
    assertArrayEquals(new long[] {0, 1, 6, 7, 8}, a.positions());
  }

  @Test
  void pyramidDropRenumbersThePositionIdsButNotTheOriginalPositions() {
    AliveTokens a = tokens();
    a.keep(new long[] {4, 5}, PositionRule.RENUMBER);
    assertArrayEquals(new long[] {0, 1, 4, 5, 6, 8}, a.positions());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, a.positionIds().row(0));
  }

  @Test
  void keepingNoVisionTokenLeavesTheText() {
    AliveTokens a = tokens();
    assertArrayEquals(new long[] {0, 1, 6, 8}, a.keep(new long[0], PositionRule.KEEP_ORIGINAL));
    assertEquals(0, a.visionCount());
    assertEquals(0, a.visionRows().length);
  }

  @Test
  void everyRowOfMultiRowPositionIdsTravelsWithItsToken() {
    long[][] mrope = {
      {0, 1, 2, 2, 2, 2, 3, 3, 4}, {0, 1, 2, 2, 3, 3, 4, 5, 6}, {0, 1, 2, 3, 2, 3, 4, 5, 6}
    };
    AliveTokens a = new AliveTokens(9, VISION, new PositionIds(mrope));
    a.keep(new long[] {3, 5}, PositionRule.KEEP_ORIGINAL);
    assertArrayEquals(new long[] {0, 1, 2, 2, 3, 4}, a.positionIds().row(0));
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 6}, a.positionIds().row(1));
    assertArrayEquals(new long[] {0, 1, 3, 3, 4, 6}, a.positionIds().row(2));
  }

  @Test
  void keptPositionsMustBeAliveVisionTokens() {
    AliveTokens a = tokens();
    IllegalStateException text =
        assertThrows(
            IllegalStateException.class,
            () -> a.keep(new long[] {1, 3}, PositionRule.KEEP_ORIGINAL));
    assertTrue(text.getMessage().contains("not all alive vision tokens"), text.getMessage());
    a.keep(new long[] {3}, PositionRule.KEEP_ORIGINAL);
    assertThrows(
        IllegalStateException.class,
        () -> a.keep(new long[] {4}, PositionRule.KEEP_ORIGINAL),
        "position 4 was dropped before");
  }

  @Test
  void positionIdsAreValuesOfTheirRows() {
    PositionIds a = new PositionIds(new long[][] {{0, 1}, {0, 2}});
    assertEquals(new PositionIds(new long[][] {{0, 1}, {0, 2}}), a);
    assertEquals(a.hashCode(), new PositionIds(new long[][] {{0, 1}, {0, 2}}).hashCode());
    assertTrue(!a.equals(new PositionIds(new long[][] {{0, 1}, {0, 3}})));
    assertTrue(!a.equals("x"));
    assertEquals("[[0, 1], [0, 2]]", a.toString());
    assertEquals(2, a.length());
    assertEquals(
        PositionIds.sequential(3, 2), new PositionIds(new long[][] {{0, 1, 2}, {0, 1, 2}}));
  }

  @Test
  void inputsAreChecked() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new AliveTokens(9, new long[] {9}, PositionIds.sequential(9, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AliveTokens(9, VISION, PositionIds.sequential(8, 1)));
    assertThrows(IllegalArgumentException.class, () -> new PositionIds(new long[][] {{0, 1}, {0}}));
  }
}
