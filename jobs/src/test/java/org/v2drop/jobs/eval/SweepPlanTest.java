package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.v2drop.jobs.sweep.Sweep;

/** The plan's wall-time estimate under one and several passes in flight. */
class SweepPlanTest {
  private static Sweep sweep(int partitions, int inFlight) {
    return new Sweep(
        "r",
        "/tmp/out",
        List.of(new Sweep.ModelRef("m", "/m")),
        List.of("vanilla"),
        List.of(new Sweep.BenchmarkRef("pope", "/p", null, 0)),
        Map.of(),
        0.05,
        partitions,
        1,
        inFlight);
  }

  /** Two passes of 4 one-second tasks each (40 rows at 100 ms) on 3 executors. */
  private static final List<SweepPlan.CellPlan> CELLS =
      List.of(
          new SweepPlan.CellPlan("m", "pope", "vanilla", "pending", 40, 100),
          new SweepPlan.CellPlan("m", "mme", "vanilla", "pending", 40, 100));

  @Test
  void onePassAtATimeWaitsForEachPassesLastWave() {
    SweepPlan.Estimate e = SweepPlan.estimate(sweep(4, 1), CELLS, 3);
    assertEquals(8, e.executorSeconds(), 1e-9);
    assertEquals(4, e.wallSeconds(), 1e-9, "2 waves of 1 s per pass");
    assertEquals(1 - 8.0 / 12, e.idleFraction(), 1e-9);
  }

  @Test
  void passesInFlightFillTheLastWaveWithTheNextPassesTasks() {
    SweepPlan.Estimate e = SweepPlan.estimate(sweep(4, 2), CELLS, 3);
    assertEquals(3, e.wallSeconds(), 1e-9, "8 tasks on 3 executors: 3 waves");
    assertEquals(1 - 8.0 / 9, e.idleFraction(), 1e-9);
  }
}
