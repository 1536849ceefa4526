package org.v2drop.jobs.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.udf.EngineSpec;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a sweep YAML file. Unknown keys and bad values are errors that name the key (and the file);
 * method specs and benchmark names are validated before any work starts.
 *
 * <pre>
 * run_id: llava15-pope
 * output: s3a://bucket/reports
 * error_rate_threshold: 0.02        # optional, default 0.05
 * partitions: 64                    # optional
 * batch_size: 8                     # optional, samples generated together (default 1)
 * passes_in_flight: 2               # optional, model x benchmark passes run at once (default 2)
 * models:
 *   - {name: llava-1.5-7b, path: s3a://bucket/models/llava-1.5-7b-hf, dtype: float16}
 *                                   # dtype optional: auto (default: float16 on a GPU, float32 on
 *                                   # a CPU), float32 or float16; bfloat16 is refused
 * methods: [vanilla, v2drop@llava-192, fastv@2:0.5]
 * benchmarks:
 *   - {name: pope, path: s3a://bucket/datasets/POPE, limit: 500}
 * generation:                       # optional
 *   max_new_tokens: 16              # all benchmarks
 *   max_new_tokens_per_benchmark: {textvqa_val: 16}
 * </pre>
 */
public final class SweepParser {
  private static final Set<String> TOP =
      Set.of(
          "run_id",
          "output",
          "models",
          "methods",
          "benchmarks",
          "generation",
          "error_rate_threshold",
          "partitions",
          "batch_size",
          "passes_in_flight");

  private SweepParser() {}

  /** Parses {@code file}; every error names it. */
  public static Sweep parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new SweepException(file + ": cannot read sweep file: " + e.getMessage());
    }
  }

  public static Sweep parse(InputStream in, String where) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (RuntimeException e) {
      throw new SweepException(where + ": not valid YAML: " + e.getMessage());
    }
    Map<String, Object> m = map(root, "the document", where);
    unknownKeys(m, TOP, "", where);
    String runId = string(m, "run_id", where, true);
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      throw new SweepException(
          where + ": run_id '" + runId + "' may only hold letters, digits, '.', '_' and '-'");
    }
    String output = string(m, "output", where, true);
    List<Sweep.ModelRef> models = new ArrayList<>();
    for (Object o : list(m, "models", where)) {
      Map<String, Object> mm = map(o, "models[]", where);
      unknownKeys(
          mm,
          Set.of("name", "path", "dtype", "min_pixels", "max_pixels", "frames"),
          "models[].",
          where);
      String path = string(mm, "path", where, true);
      String name =
          mm.containsKey("name")
              ? string(mm, "name", where, true)
              : Path.of(path).getFileName().toString();
      String dtype = mm.containsKey("dtype") ? string(mm, "dtype", where, true) : "auto";
      try {
        org.v2drop.core.family.ProcessorOverrides pixels =
            new org.v2drop.core.family.ProcessorOverrides(
                mm.containsKey("min_pixels")
                    ? positive(integer(mm, "min_pixels", 0, where), "models[].min_pixels", where)
                    : 0,
                mm.containsKey("max_pixels")
                    ? positive(integer(mm, "max_pixels", 0, where), "models[].max_pixels", where)
                    : 0);
        int frames =
            mm.containsKey("frames")
                ? positive(integer(mm, "frames", 0, where), "models[].frames", where)
                : 0;
        models.add(new Sweep.ModelRef(name, path, dtype, pixels, frames));
      } catch (IllegalArgumentException e) {
        throw new SweepException(where + ": models[]: " + e.getMessage());
      }
    }
    List<String> methods = new ArrayList<>();
    for (Object o : list(m, "methods", where)) {
      if (!(o instanceof String s)) {
        throw new SweepException(
            where
                + ": methods must hold method spec strings, found "
                + o
                + " (quote specs with commas inside [...] lists, e.g. \"v2drop@2:0.5,4:0.25\")");
      }
      try {
        MethodSpec.parse(s);
      } catch (IllegalArgumentException e) {
        throw new SweepException(where + ": methods: " + e.getMessage());
      }
      methods.add(s.trim());
    }
    List<Sweep.BenchmarkRef> benchmarks = new ArrayList<>();
    for (Object o : list(m, "benchmarks", where)) {
      Map<String, Object> bm = map(o, "benchmarks[]", where);
      unknownKeys(
          bm,
          Set.of("name", "path", "split", "limit", "frames", "videos", "subtitles"),
          "benchmarks[].",
          where);
      String name = string(bm, "name", where, true);
      try {
        Benchmarks.byName(name);
      } catch (IllegalArgumentException e) {
        throw new SweepException(where + ": benchmarks[].name: " + e.getMessage());
      }
      Object subtitles = bm.get("subtitles");
      if (subtitles != null && !(subtitles instanceof Boolean)) {
        throw new SweepException(
            where + ": benchmarks[].subtitles must be true or false, found " + subtitles);
      }
      if (Boolean.TRUE.equals(subtitles)) {
        // lmms-eval's with-subtitle variant is its own task: <name>_w_subtitle
        String variant = name + "_w_subtitle";
        if (!Benchmarks.names().contains(variant)) {
          throw new SweepException(
              where + ": benchmarks[].subtitles: " + name + " has no with-subtitle variant");
        }
        name = variant;
      }
      String videos = string(bm, "videos", where, false);
      if (videos != null && !Benchmarks.byName(name).layout().hasVideos()) {
        throw new SweepException(
            where + ": benchmarks[].videos: " + name + " has no video files (an image benchmark)");
      }
      benchmarks.add(
          new Sweep.BenchmarkRef(
              name,
              string(bm, "path", where, true),
              string(bm, "split", where, false),
              integer(bm, "limit", 0, where),
              bm.containsKey("frames")
                  ? positive(integer(bm, "frames", 0, where), "benchmarks[].frames", where)
                  : 0,
              videos));
    }
    Map<String, Integer> maxNew = new LinkedHashMap<>();
    if (m.containsKey("generation")) {
      Map<String, Object> g = map(m.get("generation"), "generation", where);
      unknownKeys(
          g, Set.of("max_new_tokens", "max_new_tokens_per_benchmark"), "generation.", where);
      if (g.containsKey("max_new_tokens")) {
        maxNew.put(
            EngineSpec.ALL_BENCHMARKS,
            positive(integer(g, "max_new_tokens", 0, where), "generation.max_new_tokens", where));
      }
      if (g.containsKey("max_new_tokens_per_benchmark")) {
        Map<String, Object> per =
            map(
                g.get("max_new_tokens_per_benchmark"),
                "generation.max_new_tokens_per_benchmark",
                where);
        for (String k : per.keySet()) {
          maxNew.put(
              k,
              positive(
                  integer(per, k, 0, where),
                  "generation.max_new_tokens_per_benchmark." + k,
                  where));
        }
      }
    }
    double threshold =
        m.containsKey("error_rate_threshold") ? number(m, "error_rate_threshold", where) : 0.05;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new SweepException(
          where + ": error_rate_threshold must be in [0, 1], found " + threshold);
    }
    int partitions = integer(m, "partitions", 0, where);
    if (partitions < 0) {
      throw new SweepException(where + ": partitions must be >= 0, found " + partitions);
    }
    int batchSize = integer(m, "batch_size", 1, where);
    if (batchSize < 1) {
      throw new SweepException(where + ": batch_size must be >= 1, found " + batchSize);
    }
    int inFlight = integer(m, "passes_in_flight", Sweep.DEFAULT_PASSES_IN_FLIGHT, where);
    if (inFlight < 1) {
      throw new SweepException(where + ": passes_in_flight must be >= 1, found " + inFlight);
    }
    if (models.isEmpty() || methods.isEmpty() || benchmarks.isEmpty()) {
      throw new SweepException(
          where + ": models, methods and benchmarks must each list at least one entry");
    }
    return new Sweep(
        runId,
        output,
        List.copyOf(models),
        List.copyOf(methods),
        List.copyOf(benchmarks),
        Map.copyOf(maxNew),
        threshold,
        partitions,
        batchSize,
        inFlight);
  }

  private static void unknownKeys(
      Map<String, Object> m, Set<String> known, String prefix, String where) {
    for (String k : m.keySet()) {
      if (!known.contains(k)) {
        throw new SweepException(
            where + ": unknown key '" + prefix + k + "'; known: " + new java.util.TreeSet<>(known));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what, String where) {
    if (!(o instanceof Map)) {
      throw new SweepException(where + ": " + what + " must be a mapping, found " + o);
    }
    return (Map<String, Object>) o;
  }

  private static List<?> list(Map<String, Object> m, String key, String where) {
    Object o = m.get(key);
    if (!(o instanceof List<?> l)) {
      throw new SweepException(
          where
              + ": key '"
              + key
              + "' must be a list"
              + (o == null ? " (missing)" : ", found " + o));
    }
    return l;
  }

  private static String string(Map<String, Object> m, String key, String where, boolean required) {
    Object o = m.get(key);
    if (o == null) {
      if (required) {
        throw new SweepException(where + ": missing required key '" + key + "'");
      }
      return null;
    }
    if (!(o instanceof String) || ((String) o).isBlank()) {
      throw new SweepException(
          where + ": key '" + key + "' must be a non-empty string, found " + o);
    }
    return ((String) o).trim();
  }

  private static int integer(Map<String, Object> m, String key, int dflt, String where) {
    Object o = m.get(key);
    if (o == null) {
      return dflt;
    }
    if (!(o instanceof Integer i)) {
      throw new SweepException(where + ": key '" + key + "' must be an integer, found " + o);
    }
    return i;
  }

  private static double number(Map<String, Object> m, String key, String where) {
    Object o = m.get(key);
    if (!(o instanceof Number n)) {
      throw new SweepException(where + ": key '" + key + "' must be a number, found " + o);
    }
    return n.doubleValue();
  }

  private static int positive(int v, String key, String where) {
    if (v <= 0) {
      throw new SweepException(where + ": " + key + " must be positive, found " + v);
    }
    return v;
  }
}
