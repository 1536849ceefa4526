package org.v2drop.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.v2drop.jobs.sweep.Sweep;

/**
 * What a run was, as its report page states it: the sweep (file, models with checkpoint
 * fingerprints, methods, benchmarks), library versions, precision, host, start and wall time.
 * Written by the run beside its page ({@code run.json}); a page rendered later reads it back.
 */
public record RunInfo(
    String runId,
    String sweepFile,
    List<Model> models,
    List<String> methods,
    List<String> benchmarks,
    Map<String, String> versions,
    String dtype,
    String host,
    String started,
    double wallSeconds) {

  /**
   * A model of the sweep and the fingerprint of its checkpoint: SHA-256 over config.json and the
   * header (names, dtypes, shapes, offsets) of each safetensors file, in name order — the weights
   * themselves are not read.
   */
  public record Model(String name, String path, String fingerprint) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public static RunInfo of(
      Sweep sweep, String sweepFile, Configuration conf, Instant started, double wallSeconds) {
    List<Model> models = new ArrayList<>();
    for (Sweep.ModelRef m : sweep.models()) {
      models.add(new Model(m.name(), m.path(), fingerprint(conf, m.path())));
    }
    return new RunInfo(
        sweep.runId(),
        sweepFile,
        models,
        sweep.methods(),
        sweep.benchmarks().stream().map(Sweep.BenchmarkRef::name).toList(),
        libraryVersions(),
        String.join(", ", sweep.models().stream().map(m -> m.name() + ": " + m.dtype()).toList()),
        localHost(),
        started.toString(),
        wallSeconds);
  }

  /** {@code <output>/report/<run_id>/run.json}. */
  public static Path path(String output, String runId) {
    return new Path(ReportPage.folder(output, runId), "run.json");
  }

  public void write(Configuration conf, String output) {
    Path p = path(output, runId);
    try (FSDataOutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  /** The run's information, or null when the run wrote none (reports of an older version). */
  public static RunInfo read(Configuration conf, String output, String runId) {
    Path p = path(output, runId);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      JsonNode n = JSON.readTree(in);
      List<Model> models = new ArrayList<>();
      for (JsonNode m : n.path("models")) {
        models.add(
            new Model(
                m.path("name").asText(), m.path("path").asText(), m.path("fingerprint").asText()));
      }
      Map<String, String> versions = new LinkedHashMap<>();
      n.path("versions")
          .fields()
          .forEachRemaining(e -> versions.put(e.getKey(), e.getValue().asText()));
      return new RunInfo(
          n.path("run_id").asText(),
          n.path("sweep_file").isNull() ? null : n.path("sweep_file").asText(null),
          models,
          strings(n.path("methods")),
          strings(n.path("benchmarks")),
          versions,
          n.path("dtype").asText(),
          n.path("host").asText(),
          n.path("started").asText(),
          n.path("wall_seconds").asDouble());
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("run_id", runId);
    n.put("sweep_file", sweepFile);
    ArrayNode ms = n.putArray("models");
    for (Model m : models) {
      ms.addObject()
          .put("name", m.name())
          .put("path", m.path())
          .put("fingerprint", m.fingerprint());
    }
    methods.forEach(n.putArray("methods")::add);
    benchmarks.forEach(n.putArray("benchmarks")::add);
    ObjectNode v = n.putObject("versions");
    versions.forEach(v::put);
    n.put("dtype", dtype);
    n.put("host", host);
    n.put("started", started);
    n.put("wall_seconds", wallSeconds);
    return n;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  /** SHA-256 of config.json and the safetensors headers; "unavailable: why" when unreadable. */
  static String fingerprint(Configuration conf, String checkpoint) {
    Path dir = new Path(checkpoint);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = fs.open(new Path(dir, "config.json"))) {
        sha.update(in.readAllBytes());
      }
      FileStatus[] files = fs.listStatus(dir, p -> p.getName().endsWith(".safetensors"));
      Arrays.sort(files, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      for (FileStatus f : files) {
        sha.update(f.getPath().getName().getBytes(StandardCharsets.UTF_8));
        try (FSDataInputStream in = fs.open(f.getPath())) {
          byte[] len = new byte[8];
          in.readFully(0, len);
          long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
          if (n < 0 || n > 100_000_000L || n > f.getLen() - 8) {
            return "unavailable: " + f.getPath().getName() + " has no valid safetensors header";
          }
          byte[] header = new byte[(int) n];
          in.readFully(8, header);
          sha.update(header);
        }
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (IOException e) {
      return "unavailable: " + e.getMessage();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** v2drop, DJL, PyTorch (the native library DJL loads), Spark and Java versions. */
  static Map<String, String> libraryVersions() {
    Map<String, String> v = new LinkedHashMap<>();
    String own = RunInfo.class.getPackage().getImplementationVersion();
    v.put("v2drop", own == null ? "0.1.0-SNAPSHOT" : own);
    Properties djl = new Properties();
    try (InputStream in =
        ai.djl.pytorch.engine.PtEngine.class
            .getClassLoader()
            .getResourceAsStream("pytorch-engine.properties")) {
      if (in != null) {
        djl.load(in);
      }
    } catch (IOException e) {
      // left unknown
    }
    v.put("djl", djl.getProperty("djl_version", "unknown"));
    v.put("pytorch", djl.getProperty("pytorch_version", "unknown"));
    v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    v.put("java", System.getProperty("java.version"));
    return v;
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
