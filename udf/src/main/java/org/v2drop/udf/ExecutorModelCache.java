package org.v2drop.udf;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.family.ProcessorOverrides;
import org.v2drop.core.model.ComputeDType;

/**
 * One loaded engine per (checkpoint, device) per JVM, shared by all tasks of the executor. Loading
 * happens once even when many tasks ask at the same time; a failed load is not cached (the next
 * task retries). Engines are closed at JVM shutdown, releasing their native memory.
 */
public final class ExecutorModelCache {
  /** Cache key: one engine per checkpoint, device, compute dtype and processor overrides. */
  record Key(String checkpoint, String device, String dtype, ProcessorOverrides processor) {}

  /** Loads once; holds the engine or the failure of the current attempt. */
  private static final class Slot {
    private Engine engine;

    synchronized Engine get(Function<Key, Engine> loader, Key key) {
      if (engine == null) {
        engine = loader.apply(key);
      }
      return engine;
    }

    synchronized boolean close() {
      if (engine == null) {
        return false;
      }
      engine.close();
      engine = null;
      return true;
    }
  }

  private static final Map<Key, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int closed = closeAll();
                  if (closed > 0) { // to the executor's log: its native memory was given back
                    System.err.println(
                        "v2drop: closed " + closed + " cached engine(s) at JVM exit");
                  }
                },
                "v2drop-model-cache-close"));
  }

  private ExecutorModelCache() {}

  /**
   * The engine for {@code spec} on {@code device}, loading it (and fetching a remote checkpoint) on
   * first use.
   */
  public static Engine get(EngineSpec spec, Device device, Path localDir) {
    ComputeDType dtype = dtype(spec, device);
    return get(
        spec.checkpoint(),
        device,
        dtype,
        spec.processor(),
        key -> {
          DjlEnvironment.apply(localDir);
          Path dir = CheckpointFetcher.localize(spec.checkpoint(), spec.hadoopConf(), localDir);
          return loader.load(dir, device, dtype, spec.batchSize(), spec.processor());
        });
  }

  /** The dtype {@code spec}'s model computes in on {@code device} (auto resolved). */
  public static ComputeDType dtype(EngineSpec spec, Device device) {
    return ComputeDType.parse(spec.dtype(), device, "model " + spec.model() + ": dtype");
  }

  /** How a checkpoint directory becomes an engine. */
  @FunctionalInterface
  public interface Loader {
    Engine load(
        Path checkpoint,
        Device device,
        ComputeDType dtype,
        int batchSize,
        ProcessorOverrides processor);
  }

  private static volatile Loader loader =
      (dir, device, dtype, batch, processor) ->
          ModelFamilies.load(
              dir,
              device,
              dtype,
              ModelFamily.PlannedUse.typical(batch, EngineSpec.PLAN_IMAGES),
              processor);

  /**
   * Replaces how this JVM loads engines — for tests only (an engine double that answers without a
   * model, installed in executor JVMs by a test plugin); nothing in the product calls it.
   */
  public static void replaceLoaderForTests(Loader testLoader) {
    loader = testLoader;
  }

  /** The cache mechanism with an explicit loader (tests count loads through it). */
  static Engine get(String checkpoint, Device device, Function<Key, Engine> loader) {
    return get(
        checkpoint,
        device,
        ComputeDType.parse("auto", device, "dtype"),
        ProcessorOverrides.NONE,
        loader);
  }

  static Engine get(
      String checkpoint,
      Device device,
      ComputeDType dtype,
      ProcessorOverrides processor,
      Function<Key, Engine> loader) {
    Key key = new Key(checkpoint, device.toString(), dtype.label(), processor);
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

  /** Closes and forgets every engine (JVM shutdown, tests); returns how many were open. */
  public static int closeAll() {
    int closed = 0;
    for (Slot slot : SLOTS.values()) {
      closed += slot.close() ? 1 : 0;
    }
    SLOTS.clear();
    return closed;
  }
}
