package org.v2drop.udf;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything an executor needs to evaluate with one model: the checkpoint location (local, HDFS or
 * S3), the run id and per-benchmark max_new_tokens overrides. Small and serializable; it is all the
 * partition function ships.
 *
 * @param model the model's name in reports
 * @param checkpoint checkpoint directory URI
 * @param maxNewTokens benchmark → max_new_tokens override ({@value #ALL_BENCHMARKS} applies to all)
 * @param hadoopConf Hadoop settings needed to fetch a remote checkpoint (never credentials: those
 *     come from the executors' own credential providers)
 */
public record EngineSpec(
    String runId,
    String model,
    String checkpoint,
    Map<String, Integer> maxNewTokens,
    Map<String, String> hadoopConf)
    implements Serializable {
  /** The {@code maxNewTokens} key of an override for every benchmark. */
  public static final String ALL_BENCHMARKS = "*";

  public EngineSpec {
    maxNewTokens = Map.copyOf(maxNewTokens);
    hadoopConf = Map.copyOf(hadoopConf);
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
