package org.v2drop.udf;

import java.io.Serializable;
import java.util.Map;
import org.v2drop.core.family.ProcessorOverrides;

/**
 * Everything an executor needs to evaluate with one model: the checkpoint location (local, HDFS or
 * S3), the run id and per-benchmark max_new_tokens overrides. Small and serializable; it is all the
 * partition function ships.
 *
 * @param model the model's name in reports
 * @param checkpoint checkpoint directory URI
 * @param dtype auto, float32 or float16 ({@link org.v2drop.core.model.ComputeDType}), resolved for
 *     the executor's device
 * @param batchSize samples generated together: the engine's memory plan holds the KV cache of that
 *     many prompts of {@value #PLAN_IMAGES} images
 * @param maxNewTokens benchmark → max_new_tokens override ({@value #ALL_BENCHMARKS} applies to all)
 * @param hadoopConf Hadoop settings needed to fetch a remote checkpoint (never credentials: those
 *     come from the executors' own credential providers)
 * @param processor the sweep's overrides of the checkpoint's image processor (pixel bounds)
 * @param frames benchmark → frames taken from each video sample (absent or 0: all), this model's
 * @param videos video benchmark → where its video files (or zips of them) are (local, HDFS, S3)
 * @param subtitles video benchmark with subtitles → where its subtitle files (or zips) are
 */
public record EngineSpec(
    String runId,
    String model,
    String checkpoint,
    String dtype,
    int batchSize,
    Map<String, Integer> maxNewTokens,
    Map<String, String> hadoopConf,
    ProcessorOverrides processor,
    Map<String, Integer> frames,
    Map<String, String> videos,
    Map<String, String> subtitles)
    implements Serializable {
  /** The {@code maxNewTokens} key of an override for every benchmark. */
  public static final String ALL_BENCHMARKS = "*";

  /**
   * Images per prompt the memory plan assumes (video frames come in such numbers; a longer prompt
   * still runs, the plan only guards loading).
   */
  public static final int PLAN_IMAGES = 8;

  public EngineSpec {
    maxNewTokens = Map.copyOf(maxNewTokens);
    hadoopConf = Map.copyOf(hadoopConf);
    frames = Map.copyOf(frames);
    videos = Map.copyOf(videos);
    subtitles = Map.copyOf(subtitles);
  }

  /** Frames taken from each video sample of {@code benchmark} (0: all). */
  public int frames(String benchmark) {
    return frames.getOrDefault(benchmark, 0);
  }

  /** A spec with the checkpoint's own processor settings. */
  public EngineSpec(
      String runId,
      String model,
      String checkpoint,
      String dtype,
      int batchSize,
      Map<String, Integer> maxNewTokens,
      Map<String, String> hadoopConf) {
    this(
        runId,
        model,
        checkpoint,
        dtype,
        batchSize,
        maxNewTokens,
        hadoopConf,
        ProcessorOverrides.NONE,
        Map.of(),
        Map.of(),
        Map.of());
  }

  /** The override for {@code benchmark}, else {@code dflt}. */
  public int maxNewTokens(String benchmark, int dflt) {
    Integer v = maxNewTokens.get(benchmark);
    if (v == null) {
      v = maxNewTokens.get(ALL_BENCHMARKS);
    }
    return v == null ? dflt : v;
  }
}
