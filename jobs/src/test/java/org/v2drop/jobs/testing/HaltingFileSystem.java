package org.v2drop.jobs.testing;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The local file system, except that the JVM halts — as on SIGKILL: no shutdown hooks, nothing
 * flushed — just before a chosen rename: the {@value #NUMBER}-th of this JVM whose destination
 * contains {@value #INTO}. Committers publish by renaming, so this puts a driver's death at an
 * exact point of a write (a task commit into a staging folder, a cell's commit into the reports).
 * Test scope only; installed with {@code spark.hadoop.fs.file.impl} and the two settings below.
 */
public class HaltingFileSystem extends LocalFileSystem {
  /** Hadoop setting: the text a rename's destination must contain to count. */
  public static final String INTO = "v2drop.test.halt.rename-into";

  /** Hadoop setting: which counted rename halts the JVM (1 = the first). */
  public static final String NUMBER = "v2drop.test.halt.rename-number";

  /** The exit status of the halted JVM. */
  public static final int STATUS = 137;

  private static final AtomicInteger COUNTED = new AtomicInteger();

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    String into = getConf().get(INTO);
    if (into != null && dst.toUri().getPath().contains(into)) {
      if (COUNTED.incrementAndGet() == getConf().getInt(NUMBER, 0)) {
        System.err.println("HaltingFileSystem: halting before rename " + src + " -> " + dst);
        Runtime.getRuntime().halt(STATUS);
      }
    }
    return super.rename(src, dst);
  }
}
