package org.v2drop.jobs.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.v2drop.jobs.eval.EvalJob;
import org.v2drop.jobs.eval.MetricRow;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.Repo;

/**
 * The scale harness (full-scale sweeps): a sweep of the lmms-lab tasks at their real sizes × 3
 * models × 10 methods (≈ 1.3 M prediction rows at {@code --scale 1}) on {@code local-cluster},
 * every executor answering with {@link EngineDouble}, measuring what the pipeline itself costs:
 * driver heap (live after a full GC, sampled every few seconds, and its peak), wall time per 100 k
 * rows, executor task time per row, and the Spark jobs, stages and tasks it took. Test scope only;
 * run by {@code tools/scale_bench.sh} (numbers in BENCHMARKS.md) and, small, by {@code ScaleRunIT}.
 *
 * <p>The tasks are ShapesVQA's in the lmms-eval layouts they imitate, sized like the real ones
 * (VizWiz-VQA, same layout and scorer as TextVQA, is folded into shapes_textvqa); the models are
 * folders holding a LLaVA-1.5-7B-shaped config.json (32 decoder layers, 576 vision tokens), all the
 * driver and the double read.
 */
public final class ScaleRun {
  /**
   * lmms-lab's sizes in rows: POPE 9,000, MME 2,374, GQA testdev 12,578, TextVQA val 5,000 + VizWiz
   * val 4,319, SQA-IMG 2,017, MMBench-en dev 4,329, Video-MME 2,700.
   */
  static final Map<String, Integer> REAL_ROWS = realRows();

  /** Written last in a suite's folder: the number of samples in it. */
  static final String WRITTEN = "_samples";

  /** Vanilla and V²Drop, FastV and PDrop at the paper's three budgets (LLaVA-1.5-7B). */
  static final List<String> METHODS = methods();

  /** What one run measured. */
  public record Measured(
      long samples,
      long rows,
      int cells,
      double wallS,
      long heapLiveMaxBytes,
      long heapUsedMaxBytes,
      long heapMaxBytes,
      int jobs,
      int stages,
      int tasks,
      double taskMs,
      double taskCpuMs,
      int executors,
      int passesInFlight,
      int maxPassesRunning) {
    double wallMsPer100k() {
      return wallS * 1000 * 100_000 / rows;
    }

    double taskCpuMsPerRow() {
      return taskCpuMs / rows;
    }

    /** Executor task time per row: what the pipeline costs around the engine. */
    double taskMsPerRow() {
      return taskMs / rows;
    }

    String json() {
      return String.format(
          Locale.ROOT,
          "{\"samples\": %d, \"rows\": %d, \"cells\": %d, \"wall_s\": %.1f, \"wall_s_per_100k_rows\": %.1f,"
              + " \"task_ms_per_row\": %.4f, \"task_cpu_ms_per_row\": %.4f, \"driver_heap_live_max_mb\": %.1f,"
              + " \"driver_heap_used_max_mb\": %.1f, \"driver_heap_max_mb\": %.1f,"
              + " \"spark_jobs\": %d, \"spark_stages\": %d, \"spark_tasks\": %d, \"executors\": %d,"
              + " \"passes_in_flight\": %d, \"max_passes_running\": %d}",
          samples,
          rows,
          cells,
          wallS,
          wallMsPer100k() / 1000,
          taskMsPerRow(),
          taskCpuMsPerRow(),
          heapLiveMaxBytes / 1048576.0,
          heapUsedMaxBytes / 1048576.0,
          heapMaxBytes / 1048576.0,
          jobs,
          stages,
          tasks,
          executors,
          passesInFlight,
          maxPassesRunning);
    }
  }

  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println(
            "usage: ScaleRun --work DIR [--scale 1.0] [--models 3] [--methods 10]"
                + " [--executors 2] [--executor-memory-mb 2048] [--json FILE]"
                + " [--passes-in-flight 2] [--prepare-only true]");
        System.exit(2);
      }
      opt.put(args[i], args[++i]);
    }
    Path work = Path.of(opt.getOrDefault("--work", "target/scale"));
    if (Boolean.parseBoolean(opt.getOrDefault("--prepare-only", "false"))) {
      suite(work, Double.parseDouble(opt.getOrDefault("--scale", "1.0")), System.err::println);
      return;
    }
    Measured m =
        run(
            work,
            Double.parseDouble(opt.getOrDefault("--scale", "1.0")),
            Integer.parseInt(opt.getOrDefault("--models", "3")),
            Integer.parseInt(opt.getOrDefault("--methods", "10")),
            Integer.parseInt(opt.getOrDefault("--executors", "2")),
            Integer.parseInt(opt.getOrDefault("--executor-memory-mb", "2048")),
            Integer.parseInt(
                opt.getOrDefault(
                    "--passes-in-flight", Integer.toString(Sweep.DEFAULT_PASSES_IN_FLIGHT))),
            new java.util.function.Consumer<String>() {
              private final long t0 = System.nanoTime();

              @Override
              public void accept(String msg) {
                System.err.printf(
                    Locale.ROOT, "scale: [%6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, msg);
              }
            });
    System.out.println(m.json());
    if (opt.containsKey("--json")) {
      Files.writeString(Path.of(opt.get("--json")), m.json() + "\n");
    }
  }

  /**
   * Writes (or reuses) the data and models under {@code work}, runs the sweep into a fresh report
   * folder, and measures it.
   */
  public static Measured run(
      Path work,
      double scale,
      int models,
      int methods,
      int executors,
      int executorMemoryMb,
      int passesInFlight,
      java.util.function.Consumer<String> progress)
      throws IOException, InterruptedException {
    Path data = suite(work, scale, progress);
    long samples = Long.parseLong(Files.readString(data.resolve(WRITTEN)).strip());
    List<Sweep.ModelRef> modelRefs = new ArrayList<>();
    for (int i = 0; i < models; i++) {
      String name = "llava-7b-double-" + (char) ('a' + i);
      modelRefs.add(
          new Sweep.ModelRef(name, model(work.resolve("models").resolve(name)).toString()));
    }
    List<Sweep.BenchmarkRef> benchmarks = new ArrayList<>();
    for (String b : REAL_ROWS.keySet()) {
      benchmarks.add(new Sweep.BenchmarkRef(b, data.resolve(b).toString(), null, 0));
    }
    Path out = work.resolve("reports");
    deleteTree(out);
    Sweep sweep =
        new Sweep(
            "scale",
            out.toString(),
            modelRefs,
            METHODS.subList(0, methods),
            benchmarks,
            Map.of(),
            1.0,
            0,
            1,
            passesInFlight);

    HeapWatch heap = new HeapWatch();
    AtomicInteger jobs = new AtomicInteger();
    AtomicInteger stages = new AtomicInteger();
    AtomicInteger tasks = new AtomicInteger();
    AtomicLong taskMs = new AtomicLong();
    AtomicLong cpuNs = new AtomicLong();
    Map<Integer, String> stageNames = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> byStage = new java.util.concurrent.ConcurrentSkipListMap<>();
    Map<Integer, String> passOfJob = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Integer> runningJobsOfPass = new java.util.HashMap<>();
    AtomicInteger maxPassesRunning = new AtomicInteger();
    SparkSession spark =
        ClusterSessions.session(
            Files.createDirectories(work.resolve("tmp")),
            "v2drop-scale",
            executors,
            executorMemoryMb,
            sparkConf(System.getenv("SCALE_EXECUTOR_JAVA_OPTS")));
    try {
      spark
          .sparkContext()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart e) {
                  jobs.incrementAndGet();
                  String d = e.properties().getProperty("spark.job.description", "other");
                  // one name per kind of job: the pass's model and benchmark left out
                  String kind = d.replaceAll(" .*× .*", "").replaceAll(" of \\d+ group.*", "");
                  for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) {
                    stageNames.put((Integer) id, kind);
                  }
                  if (d.startsWith("v2drop evaluate")) {
                    passOfJob.put(e.jobId(), d);
                    synchronized (runningJobsOfPass) {
                      runningJobsOfPass.merge(d, 1, Integer::sum);
                      maxPassesRunning.accumulateAndGet(runningJobsOfPass.size(), Math::max);
                    }
                  }
                }

                @Override
                public void onJobEnd(SparkListenerJobEnd e) {
                  String d = passOfJob.remove(e.jobId());
                  if (d != null) {
                    synchronized (runningJobsOfPass) {
                      if (runningJobsOfPass.merge(d, -1, Integer::sum) == 0) {
                        runningJobsOfPass.remove(d);
                      }
                    }
                  }
                }

                @Override
                public void onStageCompleted(SparkListenerStageCompleted e) {
                  stages.incrementAndGet();
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                  tasks.incrementAndGet();
                  if (e.taskMetrics() != null) {
                    taskMs.addAndGet(e.taskMetrics().executorRunTime());
                    cpuNs.addAndGet(e.taskMetrics().executorCpuTime());
                    byStage.merge(
                        stageNames.getOrDefault(e.stageId(), "?"),
                        e.taskMetrics().executorRunTime(),
                        Long::sum);
                  }
                }
              });
      heap.start();
      long t0 = System.nanoTime();
      EvalJob.Result r = EvalJob.run(spark, sweep, false, progress);
      double wall = (System.nanoTime() - t0) / 1e9;
      heap.stop();
      byStage.forEach(
          (name, ms) ->
              progress.accept(
                  String.format(Locale.ROOT, "task time %8.1f s in %s", ms / 1e3, name)));
      long rows = 0;
      int cells = 0;
      for (MetricRow m : r.metrics()) {
        if (m.main()) {
          rows += m.samples();
          cells++;
          if (m.errors() > 0) {
            throw new IllegalStateException("error rows in " + m);
          }
        }
      }
      return new Measured(
          samples,
          rows,
          cells,
          wall,
          heap.liveMax(),
          heap.usedMax(),
          Runtime.getRuntime().maxMemory(),
          jobs.get(),
          stages.get(),
          tasks.get(),
          taskMs.get(),
          cpuNs.get() / 1e6,
          executors,
          passesInFlight,
          maxPassesRunning.get());
    } finally {
      heap.stop();
      spark.stop();
    }
  }

  /**
   * The engine double in every executor; {@code extraJavaOptions} (the SCALE_EXECUTOR_JAVA_OPTS
   * variable, e.g. a flight recording) added to the executors' Java options.
   */
  private static Map<String, String> sparkConf(String extraJavaOptions) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.plugins", EngineDoublePlugin.class.getName());
    if (extraJavaOptions != null && !extraJavaOptions.isBlank()) {
      conf.put(
          "spark.executor.extraJavaOptions",
          String.join(" ", ClusterSessions.JAVA17_FLAGS) + " " + extraJavaOptions);
    }
    return conf;
  }

  /** The suite at {@code scale} of the real sizes, written once per scale. */
  static Path suite(Path work, double scale, java.util.function.Consumer<String> progress)
      throws IOException {
    Path dir = work.resolve(String.format(Locale.ROOT, "suite-%.4f", scale));
    if (Files.exists(dir.resolve(WRITTEN))) {
      return dir;
    }
    deleteTree(dir);
    Map<String, Integer> counts = new LinkedHashMap<>();
    REAL_ROWS.forEach(
        (task, rows) -> {
          int perCount = task.equals("shapes_mme") ? 2 : task.equals("shapes_mmbench") ? 4 : 1;
          counts.put(task, Math.max(1, (int) Math.round(rows * scale / perCount)));
        });
    int n =
        ShapesSuite.write(
            new org.apache.hadoop.fs.Path(dir.toUri()),
            "test",
            counts,
            0,
            new Configuration(),
            progress);
    progress.accept("wrote " + n + " samples under " + dir);
    Files.writeString(dir.resolve(WRITTEN), n + "\n");
    return dir;
  }

  /**
   * A model folder holding a LLaVA-1.5-7B-shaped config.json (the demo model's, deepened to 32
   * decoder layers with a 336-pixel, 14-pixel-patch vision tower: 576 vision tokens).
   */
  static Path model(Path dir) throws IOException {
    String config =
        Files.readString(Repo.ROOT.resolve("models/shapes-llava-v2/config.json"))
            .replaceFirst("\"image_seq_length\": 64", "\"image_seq_length\": 576")
            .replaceFirst("\"num_hidden_layers\": 8", "\"num_hidden_layers\": 32")
            .replaceFirst("\"image_size\": 96", "\"image_size\": 336")
            .replaceFirst("\"patch_size\": 12", "\"patch_size\": 14");
    if (!config.contains("\"num_hidden_layers\": 32") || !config.contains("\"patch_size\": 14")) {
      throw new IllegalStateException(
          "the demo model's config.json changed shape; update ScaleRun");
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), config);
    return dir;
  }

  private static Map<String, Integer> realRows() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("shapes_pope", 9000);
    m.put("shapes_mme", 2374);
    m.put("shapes_gqa", 12578);
    m.put("shapes_textvqa", 5000 + 4319);
    m.put("shapes_sqa", 2017);
    m.put("shapes_mmbench", 4329);
    m.put("shapes_video", 2700);
    return m;
  }

  private static List<String> methods() {
    List<String> out = new ArrayList<>(List.of("vanilla"));
    for (String budget : List.of("192", "128", "64")) {
      for (String method : List.of("v2drop", "fastv", "pdrop")) {
        out.add(method + "@budget:" + budget);
      }
    }
    return List.copyOf(out);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /**
   * The driver's heap: used bytes sampled every 100 ms, and the live set (used right after a full
   * GC the watcher asks for every 2 s) — the figure that must stay flat as the sweep grows.
   */
  static final class HeapWatch {
    private final MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    private final AtomicLong usedMax = new AtomicLong();
    private final AtomicLong liveMax = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    void start() {
      running = true;
      thread =
          new Thread(
              () -> {
                long lastGc = 0;
                while (running) {
                  usedMax.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                  if (System.nanoTime() - lastGc > 2_000_000_000L) {
                    System.gc();
                    liveMax.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    lastGc = System.nanoTime();
                  }
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "scale-heap-watch");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      if (thread != null) {
        thread.join();
        thread = null;
      }
    }

    long usedMax() {
      return usedMax.get();
    }

    long liveMax() {
      return liveMax.get();
    }
  }
}
