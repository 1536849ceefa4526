package org.v2drop.core.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The benchmark registry: lmms-eval task names, and the ShapesVQA tasks that reuse their readers
 * and scorers.
 */
public final class Benchmarks {
  private static final Map<String, Function<String, Benchmark>> BY_NAME = new LinkedHashMap<>();

  static {
    for (String n : List.of("pope", "pope_adv", "pope_pop", "pope_random", "shapes_pope")) {
      BY_NAME.put(n, PopeBenchmark::new);
    }
    BY_NAME.put("mme", MmeBenchmark::new);
    BY_NAME.put("shapes_mme", MmeBenchmark::new);
    BY_NAME.put("gqa", GqaBenchmark::new);
    BY_NAME.put("shapes_gqa", GqaBenchmark::new);
    BY_NAME.put("textvqa_val", n -> new VqaBenchmark(n, PopeBenchmark.POST_PROMPT));
    BY_NAME.put("shapes_textvqa", n -> new VqaBenchmark(n, PopeBenchmark.POST_PROMPT));
    BY_NAME.put("vizwiz_vqa_val", n -> new VqaBenchmark(n, VqaBenchmark.VIZWIZ_POST_PROMPT));
    BY_NAME.put("scienceqa_img", ScienceQaBenchmark::new);
    BY_NAME.put("shapes_sqa", ScienceQaBenchmark::new);
    BY_NAME.put("mmbench_en_dev", MmbenchBenchmark::new);
    BY_NAME.put("shapes_mmbench", MmbenchBenchmark::new);
    BY_NAME.put("videomme", VideoMcqBenchmark::new);
    BY_NAME.put("shapes_video", VideoMcqBenchmark::new);
  }

  private Benchmarks() {}

  /** The benchmark called {@code name}; an unknown name lists the known ones. */
  public static Benchmark byName(String name) {
    Function<String, Benchmark> f = BY_NAME.get(name);
    if (f == null) {
      throw new IllegalArgumentException(
          "unknown benchmark '" + name + "'; known: " + String.join(", ", names()));
    }
    return f.apply(name);
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
