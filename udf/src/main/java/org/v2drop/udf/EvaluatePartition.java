package org.v2drop.udf;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.eval.BatchedEvaluator;
import org.v2drop.core.eval.Evaluator;
import org.v2drop.core.eval.SampleResult;
import org.v2drop.core.video.VideoLibrary;
import org.v2drop.core.video.Videos;

/**
 * The Spark side of evaluation: maps sample rows ({@link SampleTable}, with the method and, when
 * batching, the batch key) to prediction rows ({@link PredictionsTable}), one row out per row in.
 * Holds only the serializable {@link EngineSpec}; the model comes from the executor's {@link
 * ExecutorModelCache}, bound to the GPU Spark assigned to the task (CPU otherwise), and each sample
 * goes through core's {@link Evaluator}. With a batch size above 1, consecutive rows of the same
 * benchmark, method and batch key (assigned by the driver, so batches do not depend on
 * partitioning) are generated together, up to the batch size.
 */
public final class EvaluatePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

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
      private Engine engine;
      private String loadError;
      private final Map<List<String>, BatchedEvaluator> evaluators =
          new HashMap<>(); // (benchmark, method)
      private final Map<String, VideoLibrary> libraries = new HashMap<>(); // benchmark + place

      {
        TaskContext task = TaskContext.get();
        if (task != null) {
          task.addTaskCompletionListener(
              (org.apache.spark.util.TaskCompletionListener)
                  ctx -> libraries.values().forEach(VideoLibrary::close));
        }
      }

      private final Deque<Row> done = new ArrayDeque<>();
      private Row ahead; // first row of the next batch, already read

      @Override
      public boolean hasNext() {
        return !done.isEmpty() || ahead != null || rows.hasNext();
      }

      @Override
      public Row next() {
        if (done.isEmpty()) {
          done.addAll(evaluate(nextBatch()));
        }
        return done.removeFirst();
      }

      /** Consecutive rows with one batch key, at most the batch size. */
      private List<Row> nextBatch() {
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
        return batch;
      }

      private List<Row> evaluate(List<Row> batch) {
        loadEngine();
        PredictionsTable.Provenance where =
            new PredictionsTable.Provenance(
                spec.runId(),
                spec.model(),
                executor,
                binding.describe(),
                dtype(),
                ExecutorModelCache.loads(),
                frames(batch.get(0)));
        Row[] out = new Row[batch.size()];
        List<Integer> valid = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        String failure = loadError;
        BatchedEvaluator evaluator = null;
        if (failure == null) {
          try {
            evaluator = evaluator(batch.get(0));
          } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
          }
        }
        for (int i = 0; i < batch.size(); i++) {
          Row in = batch.get(i);
          if (failure != null) {
            out[i] = PredictionsTable.error(where, in, null, failure);
            continue;
          }
          try {
            samples.add(SampleTable.toSample(in));
            valid.add(i);
          } catch (RuntimeException e) {
            out[i] = PredictionsTable.error(where, in, null, e.getMessage());
          }
        }
        if (!samples.isEmpty()) {
          List<SampleResult> results = evaluator.evaluate(samples);
          for (int k = 0; k < valid.size(); k++) {
            Row in = batch.get(valid.get(k));
            SampleResult r = results.get(k);
            out[valid.get(k)] =
                r.ok()
                    ? PredictionsTable.ok(where, in, r)
                    : PredictionsTable.error(where, in, r.prompt(), r.error());
          }
        }
        return List.of(out);
      }

      /** Frames per video the batch's benchmark is read with; null for image benchmarks. */
      private Integer frames(Row in) {
        String benchmark = in.getAs(SampleTable.BENCHMARK);
        return spec.videos().containsKey(benchmark) ? spec.frames(benchmark) : null;
      }

      /** The compute dtype's name, or the reason it has none (a bad dtype in the sweep). */
      private String dtype() {
        try {
          return ExecutorModelCache.dtype(spec, binding.device()).label();
        } catch (IllegalArgumentException e) {
          return null;
        }
      }

      private void loadEngine() {
        if (engine == null && loadError == null) {
          try {
            TorchThreads.beforeEngineStart(threads);
            engine = ExecutorModelCache.get(spec, binding.device(), localDir);
          } catch (RuntimeException e) {
            loadError = "model load failed: " + e.getMessage();
          }
        }
      }

      /** The evaluator of a row's benchmark and method: resolved once per partition. */
      private BatchedEvaluator evaluator(Row in) {
        String benchmarkName = in.getAs(SampleTable.BENCHMARK);
        String method = in.getAs(SampleTable.METHOD);
        List<String> key = Arrays.asList(benchmarkName, method);
        BatchedEvaluator e = evaluators.get(key);
        if (e == null) {
          Benchmark benchmark = Benchmarks.byName(benchmarkName);
          int maxNew = spec.maxNewTokens(benchmarkName, benchmark.maxNewTokens());
          e =
              new BatchedEvaluator(
                  new Evaluator(
                      engine,
                      benchmark,
                      MethodSpec.parse(method),
                      maxNew,
                      new Videos(
                          library(benchmarkName, spec.videos()),
                          spec.frames(benchmarkName),
                          library(benchmarkName, spec.subtitles()))));
          evaluators.put(key, e);
        }
        return e;
      }

      /**
       * The benchmark's videos (or subtitles) at {@code locations}, opened once per partition; null
       * when it has none.
       */
      private VideoLibrary library(String benchmark, Map<String, String> locations) {
        String location = locations.get(benchmark);
        if (location == null) {
          return null;
        }
        return libraries.computeIfAbsent(
            benchmark + " " + location,
            b ->
                new VideoLibrary(
                    new HadoopVideoStorage(spec.hadoopConf()),
                    location,
                    localDir.resolve("v2drop-videos")));
      }
    };
  }

  /** Rows generated together share benchmark, method and batch key. */
  private List<Object> batchKey(Row in) {
    return batchSize == 1
        ? List.of()
        : Arrays.asList(
            in.getAs(SampleTable.BENCHMARK),
            in.getAs(SampleTable.METHOD),
            in.getAs(SampleTable.BATCH));
  }

  private static Path localDir() {
    String dirs =
        SparkEnv.get() == null ? null : SparkEnv.get().conf().get("spark.local.dir", null);
    String first = dirs == null ? System.getProperty("java.io.tmpdir") : dirs.split(",")[0];
    return Path.of(first);
  }
}
