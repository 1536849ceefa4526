package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lease on the local file system: exclusion, holders named, staleness, takeovers. */
class RunLeaseTest {
  @TempDir Path tmp;

  private static final RunLease.Settings FAST =
      new RunLease.Settings(Duration.ofSeconds(30), Duration.ofMillis(200));

  private RunLease take(String runId, RunLease.Mode mode, RunLease.Settings s, List<String> log) {
    return RunLease.acquire(new Configuration(), tmp.toString(), runId, mode, s, log::add);
  }

  @Test
  void aSecondRunOfTheSameRunIdFailsNamingTheHolder() throws Exception {
    try (RunLease first = take("r1", RunLease.Mode.FAIL, FAST, new ArrayList<>())) {
      String lease = Files.readString(tmp.resolve("_leases/r1.json"));
      assertTrue(lease.contains("\"pid\" : " + ProcessHandle.current().pid()), lease);
      RunLease.HeldException e =
          assertThrows(
              RunLease.HeldException.class,
              () -> take("r1", RunLease.Mode.FAIL, FAST, new ArrayList<>()));
      assertTrue(
          e.getMessage().startsWith("run 'r1' is already running on " + tmp)
              && e.getMessage().contains("(pid " + ProcessHandle.current().pid() + ")")
              && e.getMessage().contains("_leases/r1.json")
              && e.getMessage().contains("--wait")
              && e.getMessage().contains("--force-lease")
              && !e.getMessage().contains("\n"),
          e.getMessage());
      try (RunLease other = take("r2", RunLease.Mode.FAIL, FAST, new ArrayList<>())) {
        other.check(); // another run id on the same output is not blocked
      }
      first.check();
    }
    assertFalse(Files.exists(tmp.resolve("_leases/r1.json")), "released at the end");
    take("r1", RunLease.Mode.FAIL, FAST, new ArrayList<>()).close();
  }

  @Test
  void ofManyRunsStartingAtOnceExactlyOneGetsTheLease() throws Exception {
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<RunLease>> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      got.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  return take("race", RunLease.Mode.FAIL, FAST, new ArrayList<>());
                } catch (RunLease.HeldException e) {
                  return null;
                }
              }));
    }
    go.countDown();
    List<RunLease> winners = new ArrayList<>();
    for (Future<RunLease> f : got) {
      RunLease l = f.get(30, TimeUnit.SECONDS);
      if (l != null) {
        winners.add(l);
      }
    }
    pool.shutdown();
    assertEquals(1, winners.size(), "one lease for " + n + " runs");
    winners.get(0).close();
  }

  @Test
  void aStaleLeaseIsTakenOverAndItsFormerHolderStopsAtItsNextCheck() throws Exception {
    RunLease.Settings slow = new RunLease.Settings(Duration.ofSeconds(2), Duration.ofHours(1));
    RunLease dead =
        take("s", RunLease.Mode.FAIL, slow, new ArrayList<>()); // beats once, then never
    Thread.sleep(300); // its one heartbeat written
    for (Path p : Files.list(tmp.resolve("_leases")).toList()) { // as if it died 10 s ago
      Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(10)));
    }
    List<String> log = new CopyOnWriteArrayList<>();
    try (RunLease next = take("s", RunLease.Mode.FAIL, slow, log)) {
      assertEquals(1, log.size(), log.toString());
      assertTrue(
          log.get(0).startsWith("taking over the lease of run 's' from ")
              && log.get(0).matches(".*no heartbeat for 1[0-9] s \\(stale after 2 s\\).*"),
          log.get(0));
      next.check();
      RunLease.LostException lost = assertThrows(RunLease.LostException.class, dead::check);
      assertTrue(
          lost.getMessage().contains("lost its lease (it is now held by ")
              && lost.getMessage().contains("stopping before it commits anything more"),
          lost.getMessage());
      dead.close(); // does not remove the new holder's lease
      assertTrue(Files.exists(tmp.resolve("_leases/s.json")));
      next.check();
    }
  }

  @Test
  void aLeaseWhoseProcessOnThisHostEndedIsTakenOverAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Files.createDirectories(tmp.resolve("_leases"));
    Files.writeString(
        tmp.resolve("_leases/d.json"),
        "{\"run_id\": \"d\", \"lease_id\": \"dead-1\", \"host\": \""
            + java.net.InetAddress.getLocalHost().getHostName()
            + "\", \"pid\": "
            + p.pid()
            + ", \"started\": \""
            + Instant.now()
            + "\"}");
    List<String> log = new ArrayList<>();
    try (RunLease next = take("d", RunLease.Mode.FAIL, FAST, log)) { // heartbeat fresh, pid gone
      assertTrue(log.get(0).contains("its process is gone (same host)"), log.toString());
      next.check();
    }
  }

  @Test
  void aLiveLeaseIsTakenOverOnlyWhenForced() throws Exception {
    try (RunLease live = take("f", RunLease.Mode.FAIL, FAST, new ArrayList<>())) {
      assertThrows(
          RunLease.HeldException.class,
          () -> take("f", RunLease.Mode.FAIL, FAST, new ArrayList<>()));
      List<String> log = new ArrayList<>();
      try (RunLease forced = take("f", RunLease.Mode.FORCE, FAST, log)) {
        assertTrue(log.get(0).contains("--force-lease, last heartbeat"), log.toString());
        forced.check();
        assertThrows(RunLease.LostException.class, live::check);
      }
    }
  }

  @Test
  void aWaitingRunTakesTheLeaseWhenTheHolderEnds() throws Exception {
    RunLease holder = take("w", RunLease.Mode.FAIL, FAST, new ArrayList<>());
    List<String> log = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<RunLease> waiter = pool.submit(() -> take("w", RunLease.Mode.WAIT, FAST, log));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (log.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(log.get(0).startsWith("waiting: run 'w' is already running"), log.toString());
    assertFalse(waiter.isDone(), "still waiting while the holder lives");
    holder.close();
    RunLease next = waiter.get(30, TimeUnit.SECONDS);
    assertNotNull(next);
    next.check();
    next.close();
    pool.shutdown();
  }
}
