package org.v2drop.jobs.eval;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.v2drop.core.bench.DatasetLayout;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.MethodSpecException;
import org.v2drop.jobs.data.BenchmarkReader;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.PredictionsTable;

/**
 * What a sweep will do, found before it runs: every model's depth (from config.json only) and the
 * schedule of every method on it, every benchmark's schema and sample count (after split and
 * limit), every cell's state for the run id, the rows to generate and — given a latency profile —
 * the executor time and the wall time on N executors. Everything a run would trip over before its
 * first sample is collected as a problem instead of thrown.
 *
 * @param problems what would stop the run, each naming what and where
 */
public record SweepPlan(
    Sweep sweep,
    List<ModelInfo> models,
    List<BenchmarkInfo> benchmarks,
    List<CellPlan> cells,
    Estimate estimate,
    List<String> problems) {

  /** A model: its decoder depth, or -1 when config.json could not be read. */
  public record ModelInfo(String name, String path, int layers) {}

  /** A benchmark: its sample count after split and limit, or -1 when it cannot be read. */
  public record BenchmarkInfo(String name, String path, long samples) {}

  /**
   * One cell.
   *
   * @param state {@code complete} (committed for the run id), {@code pending}, or {@code
   *     unavailable} (its model, benchmark or schedule has a problem)
   * @param rows prediction rows the run would generate (0 unless pending)
   * @param msPerSample the latency profile's time per sample, or NaN without one
   */
  public record CellPlan(
      String model, String benchmark, String method, String state, long rows, double msPerSample) {}

  /**
   * The expected cost on {@code executors} executors, one task at a time each, under the sweep
   * job's pass structure (one Spark job per model × benchmark over its pending methods, split into
   * {@code partitions} equal tasks, {@link Sweep#passesInFlight} passes at once).
   *
   * @param executorSeconds the evaluation work, summed over cells
   * @param idealWallSeconds that work spread perfectly: executorSeconds / executors
   * @param wallSeconds the passes' tasks in waves (see {@link #estimate})
   * @param idleFraction the share of executor time the passes leave idle: 1 - executorSeconds /
   *     (executors × wallSeconds)
   */
  public record Estimate(
      int executors,
      int partitions,
      double executorSeconds,
      double idealWallSeconds,
      double wallSeconds,
      double idleFraction) {}

  /**
   * Plans {@code sweep}; {@code latency} (a bench JSON file or an earlier run's reports) may be
   * null.
   */
  public static SweepPlan make(SparkSession spark, Sweep sweep, int executors, String latency) {
    List<String> problems = new ArrayList<>();
    List<ModelInfo> models = new ArrayList<>();
    for (Sweep.ModelRef m : sweep.models()) {
      int layers = -1;
      try {
        layers = EvalJob.decoderLayers(spark, m);
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
      }
      models.add(new ModelInfo(m.name(), m.path(), layers));
      if (layers > 0) {
        for (String method : sweep.methods()) {
          try {
            MethodSpec.parse(method).schedule(layers);
          } catch (MethodSpecException e) {
            problems.add(
                "model "
                    + m.name()
                    + " ("
                    + layers
                    + " decoder layers): "
                    + method
                    + ": "
                    + e.problem());
          }
        }
      }
    }
    List<BenchmarkInfo> benchmarks = new ArrayList<>();
    for (Sweep.BenchmarkRef b : sweep.benchmarks()) {
      long samples = -1;
      try {
        samples = BenchmarkReader.read(spark, b.name(), b.path(), b.split(), b.limit()).count();
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
      }
      benchmarks.add(new BenchmarkInfo(b.name(), b.path(), samples));
    }
    EvalJob.videos(spark, sweep, DatasetLayout::videosDir, Sweep.BenchmarkRef::videos)
        .forEach(
            (benchmark, location) -> {
              if (!videosExist(spark, location)) {
                problems.add(
                    "benchmark "
                        + benchmark
                        + ": no videos at "
                        + location
                        + " (neither a folder of them nor zip archives)");
              }
            });
    Profile profile = latency == null ? null : Profile.load(spark, latency, problems);
    List<CellPlan> cells = new ArrayList<>();
    for (ModelInfo m : models) {
      for (BenchmarkInfo b : benchmarks) {
        for (String method : sweep.methods()) {
          boolean usable = m.layers() > 0 && b.samples() >= 0 && fits(method, m.layers());
          String state =
              !usable
                  ? "unavailable"
                  : EvalJob.isComplete(spark, sweep, m.name(), b.name(), method)
                      ? "complete"
                      : "pending";
          long rows = state.equals("pending") ? b.samples() : 0;
          double ms =
              profile == null ? Double.NaN : profile.msPerSample(m.name(), method, b.name());
          cells.add(new CellPlan(m.name(), b.name(), method, state, rows, ms));
        }
      }
    }
    Estimate estimate = profile == null ? null : estimate(sweep, cells, Math.max(1, executors));
    return new SweepPlan(sweep, models, benchmarks, cells, estimate, problems);
  }

  /** A folder, or at least one archive matching a zip path or glob. */
  private static boolean videosExist(SparkSession spark, String location) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      org.apache.hadoop.fs.FileSystem fs =
          p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (location.endsWith(".zip") || location.contains("*")) {
        org.apache.hadoop.fs.FileStatus[] found = fs.globStatus(p);
        return found != null && found.length > 0;
      }
      return fs.getFileStatus(p).isDirectory();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean fits(String method, int layers) {
    try {
      MethodSpec.parse(method).schedule(layers);
      return true;
    } catch (MethodSpecException e) {
      return false;
    }
  }

  /**
   * The passes (model × benchmark) in order, each pass's rows split into {@code P} equal tasks
   * ({@code partitions} of the sweep, else twice the executors as the job's default). With one pass
   * in flight each pass runs in waves of {@code executors} after the one before; with more, a free
   * executor takes the next pass's next task (Spark's FIFO scheduler), so only the sweep's last
   * wave leaves executors idle. The driver's commits between passes are not counted.
   */
  static Estimate estimate(Sweep sweep, List<CellPlan> cells, int executors) {
    int partitions = sweep.partitions() > 0 ? sweep.partitions() : Math.max(2, 2 * executors);
    Map<String, Double> passSeconds = new LinkedHashMap<>();
    double work = 0;
    for (CellPlan c : cells) {
      if (c.rows() == 0 || Double.isNaN(c.msPerSample())) {
        continue;
      }
      double s = c.rows() * c.msPerSample() / 1000;
      work += s;
      passSeconds.merge(c.model() + "\u0000" + c.benchmark(), s, Double::sum);
    }
    double wall = 0;
    if (sweep.passesInFlight() == 1) {
      int waves = (partitions + executors - 1) / executors;
      for (double s : passSeconds.values()) {
        wall += waves * (s / partitions);
      }
    } else {
      java.util.PriorityQueue<Double> free = new java.util.PriorityQueue<>();
      for (int e = 0; e < executors; e++) {
        free.add(0.0);
      }
      for (double s : passSeconds.values()) {
        for (int t = 0; t < partitions; t++) {
          double end = free.poll() + s / partitions;
          wall = Math.max(wall, end);
          free.add(end);
        }
      }
    }
    double idle = wall == 0 ? 0 : 1 - work / (executors * wall);
    return new Estimate(executors, partitions, work, work / executors, wall, idle);
  }

  /** Time per sample (vision + LLM generate, ms) by cell, from a bench JSON or earlier reports. */
  record Profile(Map<String, Double> byCell, Map<String, Double> byMethod, double overall) {
    double msPerSample(String model, String method, String benchmark) {
      Double v = byCell.get(model + "|" + method + "|" + benchmark);
      if (v == null) {
        v = byMethod.get(method);
      }
      return v != null ? v : overall;
    }

    /**
     * A directory is the report root of an earlier run (mean vision + LLM time of its ok rows per
     * model, method and benchmark); a file holds `bin/v2drop bench` JSON lines (vision_ms +
     * llm_total_ms per method).
     */
    static Profile load(SparkSession spark, String location, List<String> problems) {
      try {
        Path local = Path.of(location);
        if (Files.isRegularFile(local)) {
          Map<String, Double> byMethod = new HashMap<>();
          double sum = 0;
          int n = 0;
          ObjectMapper json = new ObjectMapper();
          for (String line : Files.readAllLines(local)) {
            if (line.isBlank() || !line.strip().startsWith("{")) {
              continue;
            }
            JsonNode b = json.readTree(line);
            if (!b.has("llm_total_ms")) {
              continue;
            }
            double ms = b.path("vision_ms").asDouble(0) + b.get("llm_total_ms").asDouble();
            byMethod.put(b.path("method").asText("vanilla"), ms);
            sum += ms;
            n++;
          }
          if (n == 0) {
            problems.add(location + ": no `bin/v2drop bench` JSON line with llm_total_ms");
            return null;
          }
          return new Profile(Map.of(), byMethod, sum / n);
        }
        Map<String, Double> byCell = new HashMap<>();
        Map<String, Double> byMethod = new HashMap<>();
        var ok =
            spark
                .read()
                .parquet(ReportPaths.predictions(location))
                .filter(col(PredictionsTable.STATUS).equalTo(PredictionsTable.OK))
                .withColumn(
                    "ms", col(PredictionsTable.VISION_MS).plus(col(PredictionsTable.TOTAL_MS)));
        for (Row r :
            ok.groupBy(PredictionsTable.MODEL, PredictionsTable.METHOD, PredictionsTable.BENCHMARK)
                .agg(avg("ms").as("ms"))
                .collectAsList()) {
          byCell.put(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2), r.getDouble(3));
        }
        for (Row r : ok.groupBy(PredictionsTable.METHOD).agg(avg("ms")).collectAsList()) {
          byMethod.put(r.getString(0), r.getDouble(1));
        }
        Row all = ok.agg(avg("ms")).first();
        if (all.isNullAt(0)) {
          problems.add(location + ": no ok prediction rows to take latencies from");
          return null;
        }
        return new Profile(byCell, byMethod, all.getDouble(0));
      } catch (IOException | RuntimeException e) {
        problems.add("latency profile " + location + ": " + e.getMessage());
        return null;
      }
    }
  }
}
