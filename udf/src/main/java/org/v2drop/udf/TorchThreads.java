package org.v2drop.udf;

import org.apache.spark.SparkConf;

/**
 * PyTorch intra-op threads for an executor JVM: as many as one task may use, so concurrent tasks do
 * not oversubscribe the cores (two tasks of local[2] with PyTorch's default of all cores each ran
 * ~25% slower than a single-JVM loop). {@value #SETTING} overrides; by default it is {@code
 * spark.task.cpus} (1 unless configured). 0 leaves PyTorch's default. PyTorch's setting is per
 * process and is read when DJL starts the engine, so it is applied before the first model load of
 * the JVM and holds for every task; a JVM that had already started PyTorch keeps its threads
 * (changing them while other tasks compute is not safe: torch's set_num_threads resizes its pools
 * and clears oneDNN caches).
 */
public final class TorchThreads {
  public static final String SETTING = "spark.v2drop.torch.threads";
  private static final String NUM_THREADS = "ai.djl.pytorch.num_threads";

  private TorchThreads() {}

  /** The threads a task of this executor should use (0 = PyTorch's default). */
  public static int forTask(SparkConf conf) {
    if (conf == null) {
      return 0;
    }
    int threads = conf.getInt(SETTING, conf.getInt("spark.task.cpus", 1));
    if (threads < 0) {
      throw new IllegalArgumentException(SETTING + " must be >= 0, found " + threads);
    }
    return threads;
  }

  /**
   * Before the PyTorch engine starts in this JVM: asks DJL to start it with {@code threads}
   * intra-op threads (one inter-op thread), so every task thread picks the setting up from its
   * first op. No effect once started.
   */
  public static void beforeEngineStart(int threads) {
    if (System.getProperty(NUM_THREADS) == null) {
      request(threads);
    }
  }

  /**
   * Asks DJL to start PyTorch with {@code threads} intra-op threads and one inter-op thread (0 =
   * PyTorch's default); read when the engine starts, so call it before the first model load (the
   * CLI's --threads).
   */
  public static void request(int threads) {
    if (threads > 0) {
      System.setProperty(NUM_THREADS, Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  /**
   * The intra-op threads a request of {@code threads} gives (PyTorch's default is the core count).
   */
  public static int effective(int threads) {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
