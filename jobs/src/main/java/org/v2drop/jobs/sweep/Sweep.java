package org.v2drop.jobs.sweep;

import java.util.List;
import java.util.Map;
import org.v2drop.core.family.ProcessorOverrides;
import org.v2drop.core.model.ComputeDType;

/**
 * A sweep: models × methods × benchmarks, evaluated into one report location.
 *
 * @param runId identifies the run in every report row; re-running the same id replaces or skips its
 *     cells
 * @param output report root (local, hdfs://, s3a://)
 * @param errorRateThreshold a cell whose share of error rows exceeds this fails the job
 * @param maxNewTokens benchmark → max_new_tokens override ({@code EngineSpec.ALL_BENCHMARKS} =
 *     every benchmark)
 * @param partitions Spark partitions per model (0 = twice the default parallelism)
 * @param batchSize samples of one benchmark and method generated together (1 = one at a time)
 * @param passesInFlight evaluation passes (model × benchmark) run at once: the next one's tasks
 *     fill the executors the one before leaves idle at its end and during its commit (1 = one after
 *     the other)
 */
public record Sweep(
    String runId,
    String output,
    List<ModelRef> models,
    List<String> methods,
    List<BenchmarkRef> benchmarks,
    Map<String, Integer> maxNewTokens,
    double errorRateThreshold,
    int partitions,
    int batchSize,
    int passesInFlight) {
  /**
   * Two passes in flight keep executors busy across pass ends (BENCHMARKS.md, "Full-scale sweeps").
   */
  public static final int DEFAULT_PASSES_IN_FLIGHT = 2;

  public Sweep {
    if (batchSize < 1) {
      throw new SweepException("batch_size must be >= 1, found " + batchSize);
    }
    if (passesInFlight < 1) {
      throw new SweepException("passes_in_flight must be >= 1, found " + passesInFlight);
    }
  }

  /** A sweep with the default number of passes in flight. */
  public Sweep(
      String runId,
      String output,
      List<ModelRef> models,
      List<String> methods,
      List<BenchmarkRef> benchmarks,
      Map<String, Integer> maxNewTokens,
      double errorRateThreshold,
      int partitions,
      int batchSize) {
    this(
        runId,
        output,
        models,
        methods,
        benchmarks,
        maxNewTokens,
        errorRateThreshold,
        partitions,
        batchSize,
        DEFAULT_PASSES_IN_FLIGHT);
  }

  /** A sweep that generates one sample at a time. */
  public Sweep(
      String runId,
      String output,
      List<ModelRef> models,
      List<String> methods,
      List<BenchmarkRef> benchmarks,
      Map<String, Integer> maxNewTokens,
      double errorRateThreshold,
      int partitions) {
    this(
        runId,
        output,
        models,
        methods,
        benchmarks,
        maxNewTokens,
        errorRateThreshold,
        partitions,
        1);
  }

  /** This sweep with another batch size. */
  public Sweep withBatchSize(int size) {
    return new Sweep(
        runId,
        output,
        models,
        methods,
        benchmarks,
        maxNewTokens,
        errorRateThreshold,
        partitions,
        size,
        passesInFlight);
  }

  /** This sweep with {@code n} passes in flight. */
  public Sweep withPassesInFlight(int n) {
    return new Sweep(
        runId,
        output,
        models,
        methods,
        benchmarks,
        maxNewTokens,
        errorRateThreshold,
        partitions,
        batchSize,
        n);
  }

  /** This sweep with every model computing in {@code dtype} (the CLI's --dtype). */
  public Sweep withDtype(String dtype) {
    return new Sweep(
        runId,
        output,
        models.stream()
            .map(m -> new ModelRef(m.name(), m.path(), dtype, m.processor(), m.frames()))
            .toList(),
        methods,
        benchmarks,
        maxNewTokens,
        errorRateThreshold,
        partitions,
        batchSize,
        passesInFlight);
  }

  /**
   * A checkpoint, its name in reports and the dtype it computes in.
   *
   * @param dtype auto (float16 on a GPU, float32 on a CPU), float32 or float16 ({@code
   *     ComputeDType})
   */
  /**
   * A model to evaluate.
   *
   * @param processor overrides of the checkpoint's image processor (pixel bounds)
   * @param frames frames taken from each video sample with this model (0: each benchmark's setting)
   */
  public record ModelRef(
      String name, String path, String dtype, ProcessorOverrides processor, int frames) {
    public ModelRef {
      dtype = ComputeDType.check(dtype, "model " + name + ": dtype");
      if (frames < 0) {
        throw new IllegalArgumentException("model " + name + ": frames must be >= 0");
      }
    }

    /** A model with its checkpoint's processor settings and the benchmarks' frame counts. */
    public ModelRef(String name, String path, String dtype) {
      this(name, path, dtype, ProcessorOverrides.NONE, 0);
    }

    public ModelRef(String name, String path, String dtype, ProcessorOverrides processor) {
      this(name, path, dtype, processor, 0);
    }

    /** A model in the device's default dtype. */
    public ModelRef(String name, String path) {
      this(name, path, "auto");
    }
  }

  /**
   * A benchmark and where its dataset repository copy lives.
   *
   * @param split split override, or null for the benchmark's default
   * @param limit evaluate the first N samples by id (0 = all)
   * @param frames frames taken uniformly from each video sample (0 = unset: {@link
   *     #DEFAULT_FRAMES}; a model's own setting wins)
   * @param videos a video benchmark's files, or zips of them (local, HDFS, S3); null: the dataset
   *     copy's own ({@code data/} under {@code path}, else the zips in {@code path})
   */
  public record BenchmarkRef(
      String name, String path, String split, int limit, int frames, String videos) {
    /** Frames per video when neither the benchmark nor the model sets them. */
    public static final int DEFAULT_FRAMES = 8;

    public BenchmarkRef(String name, String path, String split, int limit) {
      this(name, path, split, limit, 0, null);
    }
  }
}
