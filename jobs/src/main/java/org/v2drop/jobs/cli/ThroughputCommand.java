package org.v2drop.jobs.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.eval.BatchedEvaluator;
import org.v2drop.core.eval.Evaluator;
import org.v2drop.core.eval.SampleResult;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.video.LocalVideoStorage;
import org.v2drop.core.video.VideoLibrary;
import org.v2drop.core.video.Videos;
import org.v2drop.jobs.shapes.GeneratedTask;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.shapes.ShapesTask;
import org.v2drop.jobs.shapes.VideoTask;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.TorchThreads;

/**
 * {@code v2drop throughput}: the demo sweep's samples evaluated in one JVM without Spark, one batch
 * after another — the baseline for Spark's overhead and the measure of batching. Prints ONE JSON
 * object.
 */
final class ThroughputCommand {
  static final String USAGE =
      """
      usage: v2drop throughput --model DIR [--method SPEC] [--batch-size N] [--limit N] [--threads N]
                               [--answers FILE] [--device D] [--dtype T]

      Evaluates the ShapesVQA test split (generated in memory: the suite `v2drop demo` writes) in this JVM, without
      Spark: per benchmark its first --limit samples by id (as the demo sweep), each prompt encoded, generated
      --batch-size at a time with the same per-sample chain as the Spark partition function (max_new_tokens 16),
      decoded and scored. Prints ONE JSON object on stdout: method, batch_size, threads, device, dtype, samples,
      errors, seconds,
      samples_per_s, vision_seconds, prefill_seconds and decode_seconds (the engine's phases; the rest of seconds is
      image decoding, preprocessing, tokenization and scoring) and, per benchmark, the same plus mean_score. One
      warm-up batch per benchmark runs first (untimed).
      --method      default vanilla          --batch-size  default 1        --limit  default 60 (0 = all)
      --threads     PyTorch intra-op threads (default: PyTorch's choice, usually the core count)
      --answers     also write one JSON line per sample: benchmark, sample_id, response, score, error
      Compare two batch sizes' answers with their --answers files (BENCHMARKS.md shows how).
      """
          + Args.DEVICE_AND_DTYPE_HELP;

  private ThroughputCommand() {}

  /** A video task's files (its mp4s) written under {@code dir}; null for an image task. */
  private static VideoLibrary videos(GeneratedTask generated, Benchmark benchmark, Path dir)
      throws java.io.IOException {
    if (!benchmark.layout().hasVideos()) {
      return null;
    }
    Path root = dir.resolve(benchmark.name());
    for (java.util.Map.Entry<String, byte[]> f : generated.blobs().entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
    }
    return new VideoLibrary(
        LocalVideoStorage.INSTANCE, root.resolve(benchmark.layout().videosDir()).toString(), dir);
  }

  static int run(Args args) throws Exception {
    Path model = args.requiredPath("--model");
    String method = args.option("--method", "vanilla");
    int batch = args.positiveIntOption("--batch-size", 1);
    int limit = args.intOption("--limit", DemoCommand.DEFAULT_LIMIT);
    int threads = args.intOption("--threads", 0);
    String answers = args.option("--answers", null);
    TorchThreads.request(threads); // before --device starts the engine
    Device device = args.device();
    ComputeDType dtype = args.dtype(device);
    args.finish();
    MethodSpec methodSpec = MethodSpec.parse(method); // a bad spec fails before any work
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    ObjectNode perBenchmark = json.createObjectNode();
    int samples = 0;
    int errors = 0;
    double seconds = 0;
    double[] phases = new double[3]; // vision, prefill, decode seconds
    Path scratch = Files.createTempDirectory("v2drop-throughput-");
    try (Engine engine =
            ModelFamilies.load(
                model, device, dtype, ModelFamily.PlannedUse.typical(batch, VideoTask.FRAMES));
        BufferedWriter w = answers == null ? null : Files.newBufferedWriter(Path.of(answers))) {
      for (ShapesTask task : ShapesSuite.TASKS) {
        Benchmark benchmark = task.benchmark();
        GeneratedTask generated =
            ShapesSuite.generate(task, "test", ShapesSuite.TEST_COUNTS.get(benchmark.name()), 0);
        List<Sample> all = new ArrayList<>(generated.samples());
        all.sort(Comparator.comparing(Sample::id));
        List<Sample> chosen = limit > 0 && all.size() > limit ? all.subList(0, limit) : all;
        VideoLibrary videos = videos(generated, benchmark, scratch);
        BatchedEvaluator evaluator =
            new BatchedEvaluator(
                new Evaluator(
                    engine,
                    benchmark,
                    methodSpec,
                    DemoCommand.MAX_NEW_TOKENS,
                    new Videos(videos, Sweep.BenchmarkRef.DEFAULT_FRAMES)));
        // warm-up: first use of every op at this benchmark's shapes
        evaluator.evaluate(chosen.subList(0, Math.min(batch, chosen.size())));
        double score = 0;
        double[] ms = new double[3];
        long t0 = System.nanoTime();
        for (int i = 0; i < chosen.size(); i += batch) {
          for (SampleResult r :
              evaluator.evaluate(chosen.subList(i, Math.min(chosen.size(), i + batch)))) {
            errors += r.ok() ? 0 : 1;
            score += r.ok() ? r.score().score() : 0;
            if (r.ok()) {
              ms[0] += r.generation().visionMs();
              ms[1] += r.generation().prefillMs();
              ms[2] += r.generation().decodeMs();
            }
            if (w != null) {
              ObjectNode line = json.createObjectNode();
              line.put("benchmark", benchmark.name());
              line.put("sample_id", r.sample().id());
              line.put("response", r.response());
              line.put("score", r.ok() ? r.score().score() : null);
              line.put("error", r.error());
              w.write(line.toString());
              w.newLine();
            }
          }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        ObjectNode b = perBenchmark.putObject(benchmark.name());
        b.put("samples", chosen.size());
        b.put("seconds", s);
        putPhases(b, ms, 1000);
        b.put("mean_score", chosen.isEmpty() ? 0 : score / chosen.size());
        samples += chosen.size();
        seconds += s;
        for (int p = 0; p < 3; p++) {
          phases[p] += ms[p] / 1000;
        }
        System.err.printf(
            "throughput: %s: %d samples in %.1f s%n", benchmark.name(), chosen.size(), s);
      }
    } finally {
      try (java.util.stream.Stream<Path> files = Files.walk(scratch)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    out.put("method", method);
    out.put("batch_size", batch);
    out.put("threads", TorchThreads.effective(threads));
    out.put("device", device.toString());
    out.put("dtype", dtype.label());
    out.put("samples", samples);
    out.put("errors", errors);
    out.put("seconds", seconds);
    out.put("samples_per_s", samples / seconds);
    putPhases(out, phases, 1);
    out.set("benchmarks", perBenchmark);
    System.out.println(out);
    return 0;
  }

  private static void putPhases(ObjectNode node, double[] values, double perSecond) {
    node.put("vision_seconds", values[0] / perSecond);
    node.put("prefill_seconds", values[1] / perSecond);
    node.put("decode_seconds", values[2] / perSecond);
  }
}
