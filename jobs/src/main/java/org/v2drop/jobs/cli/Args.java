package org.v2drop.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal {@code --key value} parsing with errors that name the option; unknown options are errors.
 */
final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> flags = new ArrayList<>();
  private final List<String> consumed = new ArrayList<>();

  Args(String[] argv, int from, List<String> flagNames) {
    for (int i = from; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      if (flagNames.contains(a)) {
        flags.add(a);
        continue;
      }
      if (i + 1 >= argv.length) {
        throw new UsageException("option " + a + " needs a value");
      }
      values.computeIfAbsent(a, k -> new ArrayList<>()).add(argv[++i]);
    }
  }

  /** Whether a valued option was given. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  boolean flag(String name) {
    consumed.add(name);
    return flags.contains(name);
  }

  String required(String name) {
    String v = option(name, null);
    if (v == null) {
      throw new UsageException("missing required option " + name);
    }
    return v;
  }

  Path requiredPath(String name) {
    Path p = Path.of(required(name));
    if (!Files.exists(p)) {
      throw new UsageException(name + " " + p + ": no such file or directory");
    }
    return p;
  }

  String option(String name, String dflt) {
    consumed.add(name);
    List<String> v = values.get(name);
    if (v == null) {
      return dflt;
    }
    if (v.size() > 1) {
      throw new UsageException("option " + name + " given " + v.size() + " times");
    }
    return v.get(0);
  }

  int intOption(String name, int dflt) {
    String v = option(name, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("option " + name + " must be an integer, found '" + v + "'");
    }
  }

  /** An integer option that must be at least 1 when given. */
  int positiveIntOption(String name, int dflt) {
    int v = intOption(name, dflt);
    if (v < 1) {
      throw new UsageException("option " + name + " must be >= 1, found " + v);
    }
    return v;
  }

  /** Help text of {@link #device()} and {@link #dtype}. */
  static final String DEVICE_AND_DTYPE_HELP =
      """
      --device      auto (default: the first GPU when DJL's PyTorch engine sees CUDA, else the CPU), cpu, gpu,
                    or gpu:N
      --dtype       weights and compute: auto (default: float16 on a GPU, float32 on a CPU, where half precision
                    runs far slower), float32 or float16. bfloat16 is refused: DJL's PyTorch engine has no such
                    type (a bf16 checkpoint loads into float16 with a range check, or into float32)
      """;

  /** {@code --device}: auto, cpu, gpu or gpu:N. */
  ai.djl.Device device() {
    String v = option("--device", "auto").trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("auto")) {
      return ai.djl.engine.Engine.getEngine("PyTorch").defaultDevice();
    }
    if (v.equals("cpu")) {
      return ai.djl.Device.cpu();
    }
    if (v.matches("gpu(:\\d+)?")) {
      int id = v.equals("gpu") ? 0 : Integer.parseInt(v.substring(4));
      int gpus = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
      if (id >= gpus) {
        throw new UsageException(
            "--device "
                + v
                + ": DJL's PyTorch engine sees "
                + gpus
                + " GPU(s) (a CPU-only build?)");
      }
      return ai.djl.Device.gpu(id);
    }
    throw new UsageException("--device must be auto, cpu, gpu or gpu:N, found '" + v + "'");
  }

  /** {@code --dtype} for {@code device} (auto resolved), as a usage error when bad. */
  org.v2drop.core.model.ComputeDType dtype(ai.djl.Device device) {
    try {
      return org.v2drop.core.model.ComputeDType.parse(option("--dtype", "auto"), device, "--dtype");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Every {@code --conf k=v} (Spark and Hadoop settings), in order. */
  java.util.Map<String, String> conf() {
    java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();
    for (String kv : all("--conf")) {
      String[] p = kv.split("=", 2);
      if (p.length != 2) {
        throw new UsageException("--conf expects k=v, found '" + kv + "'");
      }
      conf.put(p[0], p[1]);
    }
    return conf;
  }

  List<String> all(String name) {
    consumed.add(name);
    return values.getOrDefault(name, List.of());
  }

  /** Fails on options nobody asked for. */
  void finish() {
    for (String k : values.keySet()) {
      if (!consumed.contains(k)) {
        throw new UsageException("unknown option " + k);
      }
    }
  }

  /** A command-line mistake; the CLI prints it with the usage and exits 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
