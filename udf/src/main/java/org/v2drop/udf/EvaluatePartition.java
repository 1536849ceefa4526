package org.v2drop.udf;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * The Spark side of evaluation: maps (benchmark, sample_id, sample_json, images, method) rows to prediction rows
 * ({@link Predictions#SCHEMA}). Holds only the serializable {@link EngineSpec}; the model comes from the executor's
 * {@link ExecutorModelCache}, bound to the GPU Spark assigned to the task (CPU otherwise). Rows stream: one in, one out.
 */
public final class EvaluatePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  public static final String METHOD = "method";

  private final EngineSpec spec;

  public EvaluatePartition(EngineSpec spec) {
    this.spec = spec;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    DeviceBinding binding = DeviceBinding.current();
    Path localDir = localDir();
    String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
    return new Iterator<>() {
      private LlavaEngine engine;
      private String loadError;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row in = rows.next();
        String benchmark = in.getAs("benchmark");
        String method = in.getAs(METHOD);
        String sampleId = in.getAs("sample_id");
        if (engine == null && loadError == null) {
          try {
            engine = ExecutorModelCache.get(spec, binding.device(), localDir);
          } catch (RuntimeException e) {
            loadError = "model load failed: " + e.getMessage();
          }
        }
        if (loadError != null) {
          return error(benchmark, method, sampleId, null, loadError, executor, binding, in.getAs("sample_json"));
        }
        Sample sample;
        try {
          sample = SampleRows.toSample(in);
        } catch (RuntimeException e) {
          return error(benchmark, method, sampleId, null, e.getMessage(), executor, binding, in.getAs("sample_json"));
        }
        SampleEvaluator.Outcome o = SampleEvaluator.evaluate(engine, spec, benchmark, sample, method);
        if (o.error() != null) {
          return error(benchmark, method, sampleId, o.prompt(), o.error(), executor, binding, in.getAs("sample_json"));
        }
        return toRow(benchmark, method, sampleId, o, executor, binding, in.getAs("sample_json"));
      }
    };
  }

  private Row toRow(String benchmark, String method, String sampleId, SampleEvaluator.Outcome o, String executor,
      DeviceBinding binding, String sampleJson) {
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
    return RowFactory.create(spec.runId(), spec.model(), method, g.schedule(), benchmark, sampleId,
        SampleEvaluator.promptHash(o.prompt()), o.response(), o.score().parsed(), o.score().score(), Predictions.OK,
        null, seq(perLayer), g.prefillMs(), g.decodeMs(), g.totalMs(), g.tokens().length, g.prefillFlops(), executor,
        binding.describe(), g.visionMs(), g.promptTokens(), g.meanVisionTokens(), seq(kept), seq(vision), sampleJson,
        ExecutorModelCache.loads());
  }

  private Row error(String benchmark, String method, String sampleId, String prompt, String message, String executor,
      DeviceBinding binding, String sampleJson) {
    return RowFactory.create(spec.runId(), spec.model(), method, null, benchmark, sampleId,
        SampleEvaluator.promptHash(prompt), null, null, null, Predictions.FAILED, message, null, null, null, null,
        null, null, executor, binding.describe(), null, null, null, null, null, sampleJson, ExecutorModelCache.loads());
  }

  private static scala.collection.immutable.Seq<Object> seq(List<Object> list) {
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
  }

  private static Path localDir() {
    String dirs = SparkEnv.get() == null ? null : SparkEnv.get().conf().get("spark.local.dir", null);
    String first = dirs == null ? System.getProperty("java.io.tmpdir") : dirs.split(",")[0];
    return Path.of(first);
  }
}
