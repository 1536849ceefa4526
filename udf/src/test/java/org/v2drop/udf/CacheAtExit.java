package org.v2drop.udf;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Map;

/** A JVM that loads one engine through the cache and exits normally (ExecutorModelCacheIT). */
public final class CacheAtExit {
  private CacheAtExit() {}

  public static void main(String[] args) {
    EngineSpec spec = new EngineSpec("r", "m", args[0], "auto", 1, Map.of(), Map.of());
    ExecutorModelCache.get(spec, Device.cpu(), Path.of(args[1]));
    System.out.println("loaded " + ExecutorModelCache.loads());
  }
}
