package org.v2drop.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.engine.LlavaEngine;

/** One model per (checkpoint, device) per JVM, loaded exactly once under concurrent demand. */
class ExecutorModelCacheIT {
  static final Path TINY =
      Path.of(System.getProperty("user.dir"))
          .getParent()
          .resolve("core/src/test/resources/fixtures/tiny-llava-a");

  @AfterEach
  void clear() {
    ExecutorModelCache.closeAll();
  }

  /** A JVM that exits normally closes its cached engines (the executor-shutdown path). */
  @Test
  void theShutdownHookClosesCachedEnginesWhenTheJvmExits(@TempDir Path tmp) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CacheAtExit.class.getName(),
                TINY.toString(),
                tmp.toString())
            .redirectError(tmp.resolve("err.txt").toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM exited");
    String out = Files.readString(tmp.resolve("out.txt"));
    String err = Files.readString(tmp.resolve("err.txt"));
    assertEquals(0, p.exitValue(), err);
    assertTrue(out.contains("loaded 1"), out);
    assertTrue(err.contains("v2drop: closed 1 cached engine(s) at JVM exit"), err);
  }

  @Test
  void tenThreadsLoadOnce() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Future<Engine>> got = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      got.add(
          pool.submit(
              () -> {
                start.await();
                return ExecutorModelCache.get(
                    TINY.toString(),
                    Device.cpu(),
                    k -> {
                      loads.incrementAndGet();
                      return LlavaEngine.load(TINY, Device.cpu());
                    });
              }));
    }
    start.countDown();
    Engine first = got.get(0).get();
    for (Future<Engine> f : got) {
      assertSame(first, f.get());
    }
    pool.shutdown();
    assertEquals(1, loads.get());
  }

  @Test
  void failedLoadsAreRetriedNotCached() {
    AtomicInteger tries = new AtomicInteger();
    assertThrows(
        IllegalStateException.class,
        () ->
            ExecutorModelCache.get(
                "bad",
                Device.cpu(),
                k -> {
                  tries.incrementAndGet();
                  throw new IllegalStateException("boom");
                }));
    assertThrows(
        IllegalStateException.class,
        () ->
            ExecutorModelCache.get(
                "bad",
                Device.cpu(),
                k -> {
                  tries.incrementAndGet();
                  throw new IllegalStateException("boom");
                }));
    assertEquals(2, tries.get());
  }

  @Test
  void closeAllReleasesEveryEngine() {
    LlavaEngine a =
        (LlavaEngine)
            ExecutorModelCache.get(
                TINY.toString(), Device.cpu(), k -> LlavaEngine.load(TINY, Device.cpu()));
    int weights = a.model().liveModelArrays();
    assertTrue(weights > 50, "the engine holds its weights: " + weights);
    ExecutorModelCache.closeAll();
    assertEquals(0, a.model().liveModelArrays(), "closeAll freed the engine's native arrays");
    Engine b =
        ExecutorModelCache.get(
            TINY.toString(), Device.cpu(), k -> LlavaEngine.load(TINY, Device.cpu()));
    assertNotSame(a, b, "a closed engine is never handed out again");
  }
}
