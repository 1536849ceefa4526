package org.v2drop.udf;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.engine.LlavaEngine;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.KeptStage;

/**
 * The Spark side of evaluation: maps (benchmark, sample_id, sample_json, images, method[, batch])
 * rows to prediction rows ({@link Predictions#SCHEMA}). Holds only the serializable {@link
 * EngineSpec}; the model comes from the executor's {@link ExecutorModelCache}, bound to the GPU
 * Spark assigned to the task (CPU otherwise). One row out per row in. With a batch size above 1,
 * consecutive rows of the same benchmark, method and {@value #BATCH} key (assigned by the driver,
 * so batches do not depend on partitioning) are generated together, up to the batch size.
 */
public final class EvaluatePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  public static final String METHOD = "method";

  /** Input column grouping rows into batches (required when the batch size is above 1). */
  public static final String BATCH = "batch";

  private final EngineSpec spec;
  private final int batchSize;

  public EvaluatePartition(EngineSpec spec) {
    this(spec, 1);
  }

  public EvaluatePartition(EngineSpec spec, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
    }
    this.spec = spec;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    DeviceBinding binding = DeviceBinding.current();
    Path localDir = localDir();
    String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
    int threads = TorchThreads.forTask(SparkEnv.get() == null ? null : SparkEnv.get().conf());
    return new Iterator<>() {
      private LlavaEngine engine;
      private String loadError;
      private final Deque<Row> done = new ArrayDeque<>();
      private Row ahead; // first row of the next batch, already read

      @Override
      public boolean hasNext() {
        return !done.isEmpty() || ahead != null || rows.hasNext();
      }

      @Override
      public Row next() {
        if (done.isEmpty()) {
          List<Row> batch = new ArrayList<>();
          batch.add(ahead != null ? ahead : rows.next());
          ahead = null;
          List<Object> key = batchKey(batch.get(0));
          while (batch.size() < batchSize && rows.hasNext()) {
            Row r = rows.next();
            if (!key.equals(batchKey(r))) {
              ahead = r;
              break;
            }
            batch.add(r);
          }
          done.addAll(evaluate(batch));
        }
        return done.removeFirst();
      }

      private List<Row> evaluate(List<Row> batch) {
        if (engine == null && loadError == null) {
          try {
            TorchThreads.beforeEngineStart(threads);
            engine = ExecutorModelCache.get(spec, binding.device(), localDir);
          } catch (RuntimeException e) {
            loadError = "model load failed: " + e.getMessage();
          }
        }
        Row[] out = new Row[batch.size()];
        List<Integer> valid = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          Row in = batch.get(i);
          if (loadError != null) {
            out[i] = error(in, null, loadError, executor, binding);
            continue;
          }
          try {
            samples.add(SampleRows.toSample(in));
            valid.add(i);
          } catch (RuntimeException e) {
            out[i] = error(in, null, e.getMessage(), executor, binding);
          }
        }
        if (!samples.isEmpty()) {
          Row first = batch.get(valid.get(0));
          List<SampleEvaluator.Outcome> outcomes =
              SampleEvaluator.evaluate(
                  engine, spec, first.getAs("benchmark"), samples, first.getAs(METHOD));
          for (int k = 0; k < valid.size(); k++) {
            Row in = batch.get(valid.get(k));
            SampleEvaluator.Outcome o = outcomes.get(k);
            out[valid.get(k)] =
                o.error() != null
                    ? error(in, o.prompt(), o.error(), executor, binding)
                    : toRow(in, o, executor, binding);
          }
        }
        return List.of(out);
      }
    };
  }

  /** Rows generated together share benchmark, method and batch key. */
  private List<Object> batchKey(Row in) {
    return batchSize == 1
        ? List.of()
        : java.util.Arrays.asList(in.getAs("benchmark"), in.getAs(METHOD), in.getAs(BATCH));
  }

  private Row toRow(Row in, SampleEvaluator.Outcome o, String executor, DeviceBinding binding) {
    String benchmark = in.getAs("benchmark");
    String method = in.getAs(METHOD);
    Generation g = o.generation();
    List<Object> perLayer = new ArrayList<>();
    for (int v : g.visionTokensPerLayer()) {
      perLayer.add(v);
    }
    List<Object> kept = new ArrayList<>();
    for (KeptStage st : g.stages()) {
      List<Object> p = new ArrayList<>();
      for (long x : st.keptPositions()) {
        p.add((int) x);
      }
      kept.add(seq(p));
    }
    List<Object> vision = new ArrayList<>();
    for (long x : o.visionPositions()) {
      vision.add((int) x);
    }
    return RowFactory.create(
        spec.runId(),
        spec.model(),
        method,
        g.schedule(),
        benchmark,
        in.getAs("sample_id"),
        SampleEvaluator.promptHash(o.prompt()),
        o.response(),
        o.score().parsed(),
        o.score().score(),
        Predictions.OK,
        null,
        seq(perLayer),
        g.prefillMs(),
        g.decodeMs(),
        g.totalMs(),
        g.tokens().length,
        g.prefillFlops(),
        executor,
        binding.describe(),
        g.visionMs(),
        g.promptTokens(),
        g.meanVisionTokens(),
        seq(kept),
        seq(vision),
        in.getAs("sample_json"),
        ExecutorModelCache.loads(),
        o.batchSize());
  }

  private Row error(Row in, String prompt, String message, String executor, DeviceBinding binding) {
    return RowFactory.create(
        spec.runId(),
        spec.model(),
        in.getAs(METHOD),
        null,
        in.getAs("benchmark"),
        in.getAs("sample_id"),
        SampleEvaluator.promptHash(prompt),
        null,
        null,
        null,
        Predictions.FAILED,
        message,
        null,
        null,
        null,
        null,
        null,
        null,
        executor,
        binding.describe(),
        null,
        null,
        null,
        null,
        null,
        in.getAs("sample_json"),
        ExecutorModelCache.loads(),
        null);
  }

  private static scala.collection.immutable.Seq<Object> seq(List<Object> list) {
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
  }

  private static Path localDir() {
    String dirs =
        SparkEnv.get() == null ? null : SparkEnv.get().conf().get("spark.local.dir", null);
    String first = dirs == null ? System.getProperty("java.io.tmpdir") : dirs.split(",")[0];
    return Path.of(first);
  }
}
