package org.v2drop.core.drop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Budgets in the paper's counting, and every method's schedule at one (docs/token-dropping.md). */
class BudgetTest {
  @Test
  void budgetsAreSharesOfTheVisionTokens() {
    assertEquals(1.0 / 3, Budget.parse("192").share(), 1e-12);
    assertEquals(128.0 / 576, Budget.parse("128").share(), 1e-12);
    assertEquals(0.4, Budget.parse("40%").share(), 1e-12);
    assertEquals("192 (33.3%)", Budget.parse("192").describe());
    assertEquals("40%", Budget.parse("40%").describe());
    assertThrows(IllegalArgumentException.class, () -> Budget.parse("576"));
    assertThrows(IllegalArgumentException.class, () -> Budget.parse("0%"));
    assertThrows(IllegalArgumentException.class, () -> Budget.parse("lots"));
  }

  @Test
  void everyMethodAtABudgetKeepsTheBudgetOnAverage() {
    for (int depth : new int[] {32, 28, 24, 12}) {
      for (String budget : List.of("192", "128", "64", "50%")) {
        Budget b = Budget.parse(budget);
        if (b.share() <= 3.0 / depth) {
          continue;
        }
        for (DropMethod m :
            List.of(DropMethod.V2DROP, DropMethod.PDROP, DropMethod.RANDOM, DropMethod.FASTV)) {
          DropSchedule s = PaperSchedule.atBudget(m, b, depth);
          assertEquals(3, s.stages().get(0).layer(), "the first drop is at layer 3");
          // 5,760 vision tokens: the floor of each keep count barely matters
          double share = s.averageVisionTokens(5760, depth) / 5760;
          assertEquals(b.share(), share, 2e-3, m + " " + budget + " on " + depth + " layers: " + s);
        }
      }
    }
  }

  @Test
  void multiStageMethodsShareThePapersLayersAndShapeFastvDropsOnce() {
    DropSchedule v = PaperSchedule.atBudget(DropMethod.V2DROP, Budget.parse("192"), 32);
    assertEquals(v, PaperSchedule.atBudget(DropMethod.PDROP, Budget.parse("192"), 32));
    assertEquals(v, PaperSchedule.atBudget(DropMethod.RANDOM, Budget.parse("192"), 32));
    assertEquals("3:0.469,17:0.469,22:0", v.toString());
    assertEquals(
        "3:0.2644", PaperSchedule.atBudget(DropMethod.FASTV, Budget.parse("192"), 32).toString());
    assertEquals(
        "3:0.4579,15:0.4579,19:0",
        PaperSchedule.atBudget(DropMethod.V2DROP, Budget.parse("192"), 28).toString());
    assertArrayEquals(new int[] {3, 5, 6}, PaperSchedule.dropLayers(8));
  }

  @Test
  void budgetsAShallowModelCannotReachAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PaperSchedule.atBudget(DropMethod.V2DROP, Budget.parse("192"), 8));
    assertTrue(e.getMessage().contains("below what a model of 8 layers keeps"), e.getMessage());
    assertTrue(e.getMessage().contains("37.5%"), e.getMessage());
    assertEquals(
        "3:0.2", PaperSchedule.atBudget(DropMethod.FASTV, Budget.parse("50%"), 8).toString());
    assertThrows(
        IllegalArgumentException.class,
        () -> PaperSchedule.atBudget(DropMethod.V2DROP, Budget.parse("50%"), 5),
        "too shallow for three drops");
  }

  @Test
  void budgetSpecsParseAndExpand() {
    MethodSpec s = MethodSpec.parse("fastv@budget:128");
    assertEquals(DropMethod.FASTV, s.method());
    assertEquals("fastv@3:0.1418", s.expanded(32));
    assertEquals("pdrop@3:0.268,17:0.268,22:0", MethodSpec.parse("pdrop@budget:128").expanded(32));
    MethodSpecException bad =
        assertThrows(MethodSpecException.class, () -> MethodSpec.parse("v2drop@budget:x"));
    assertTrue(bad.getMessage().contains("neither a token count"), bad.getMessage());
    MethodSpecException shallow =
        assertThrows(
            MethodSpecException.class, () -> MethodSpec.parse("v2drop@budget:64").schedule(8));
    assertTrue(shallow.problem().contains("below what a model of 8 layers keeps"));
  }

  /** LLaVA-NeXT's named budgets are the shares of 192 / 128 / 64, for every method. */
  @Test
  void namedBudgetsAreTheSharesOf192_128_64() {
    for (String[] pair :
        new String[][] {
          {"llava-next-33", "192"}, {"llava-next-22", "128"}, {"llava-next-11", "64"}
        }) {
      for (String m : java.util.List.of("v2drop", "fastv", "pdrop", "random")) {
        org.junit.jupiter.api.Assertions.assertEquals(
            MethodSpec.parse(m + "@budget:" + pair[1]).schedule(32),
            MethodSpec.parse(m + "@" + pair[0]).schedule(32),
            m + "@" + pair[0]);
      }
    }
    org.junit.jupiter.api.Assertions.assertNull(Budget.named("llava-next-50"));
  }
}
