package org.v2drop.udf;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.v2drop.core.engine.LlavaEngine;

/**
 * One loaded engine per (checkpoint, device) per JVM, shared by all tasks of the executor. Loading
 * happens once even when many tasks ask at the same time; a failed load is not cached (the next
 * task retries). Engines are closed at JVM shutdown, releasing their native memory.
 */
public final class ExecutorModelCache {
  /** Cache key: one engine per checkpoint and device. */
  record Key(String checkpoint, String device) {}

  /** Loads once; holds the engine or the failure of the current attempt. */
  private static final class Slot {
    private LlavaEngine engine;

    synchronized LlavaEngine get(Function<Key, LlavaEngine> loader, Key key) {
      if (engine == null) {
        engine = loader.apply(key);
      }
      return engine;
    }

    synchronized void close() {
      if (engine != null) {
        engine.close();
        engine = null;
      }
    }
  }

  private static final Map<Key, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ExecutorModelCache::closeAll, "v2drop-model-cache-close"));
  }

  private ExecutorModelCache() {}

  /**
   * The engine for {@code spec} on {@code device}, loading it (and fetching a remote checkpoint) on
   * first use.
   */
  public static LlavaEngine get(EngineSpec spec, Device device, Path localDir) {
    return get(
        spec.checkpoint(),
        device,
        key -> {
          DjlEnvironment.apply(localDir);
          Path dir = CheckpointFetcher.localize(spec.checkpoint(), spec.hadoopConf(), localDir);
          return LlavaEngine.load(dir, device);
        });
  }

  /** The cache mechanism with an explicit loader (tests count loads through it). */
  static LlavaEngine get(String checkpoint, Device device, Function<Key, LlavaEngine> loader) {
    Key key = new Key(checkpoint, device.toString());
    return SLOTS
        .computeIfAbsent(key, k -> new Slot())
        .get(
            k -> {
              LOADS.incrementAndGet();
              return loader.apply(k);
            },
            key);
  }

  /** Engines loaded by this JVM so far. */
  public static int loads() {
    return LOADS.get();
  }

  /** Closes and forgets every engine (JVM shutdown, tests). */
  public static void closeAll() {
    SLOTS.values().forEach(Slot::close);
    SLOTS.clear();
  }
}
