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
