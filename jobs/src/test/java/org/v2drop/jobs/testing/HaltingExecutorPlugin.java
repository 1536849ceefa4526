package org.v2drop.jobs.testing;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Halts one executor JVM — as on SIGKILL — at the start of its second task of a chosen stage (the
 * one with {@value #PARTITIONS} tasks), once per application: the first executor to get there
 * creates the {@value #MARKER} file and dies with that task in flight, after its first task of the
 * stage committed. Test scope only; installed with {@code spark.plugins} and the settings below.
 */
public class HaltingExecutorPlugin implements SparkPlugin {
  /** Spark setting: the number of tasks of the stage whose tasks count. */
  public static final String PARTITIONS = "spark.v2drop.test.halt.partitions";

  /** Spark setting: the file whose creation elects the executor that halts. */
  public static final String MARKER = "spark.v2drop.test.halt.marker";

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      private int partitions;
      private File marker;
      private int started;

      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        partitions = ctx.conf().getInt(PARTITIONS, -1);
        marker = new File(ctx.conf().get(MARKER));
      }

      @Override
      public void onTaskStart() {
        if (TaskContext.get().numPartitions() != partitions || ++started != 2) {
          return;
        }
        try {
          if (marker.createNewFile()) {
            System.err.println("HaltingExecutorPlugin: halting with a task in flight");
            Runtime.getRuntime().halt(137);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }
}
