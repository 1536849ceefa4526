package org.v2drop.jobs.scale;

import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.v2drop.udf.ExecutorModelCache;

/**
 * Makes every executor JVM load {@link EngineDouble} instead of a model. Test scope only; installed
 * with {@code spark.plugins}.
 */
public class EngineDoublePlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        ExecutorModelCache.replaceLoaderForTests(
            (dir, device, dtype, batch, processor) -> new EngineDouble(dir, device, dtype));
      }
    };
  }
}
