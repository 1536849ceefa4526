package org.v2drop.jobs.eval;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Prints task progress of long stages to stderr at most every 10 seconds. */
public final class Progress extends SparkListener {
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicLong lastPrint = new AtomicLong();

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stage) {
    total.set(stage.stageInfo().numTasks());
    finished.set(0);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd task) {
    int done = finished.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastPrint.get();
    if ((now - last > 10_000 || done == total.get())
        && total.get() > 1
        && lastPrint.compareAndSet(last, now)) {
      System.err.printf("  progress: %d/%d tasks of the current stage%n", done, total.get());
    }
  }
}
