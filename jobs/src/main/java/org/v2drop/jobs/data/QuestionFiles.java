package org.v2drop.jobs.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Column;
import org.v2drop.core.bench.DatasetLayout;
import org.v2drop.core.bench.MvbenchBenchmark;
import org.v2drop.udf.SampleTable;

/**
 * Reads a benchmark kept as JSON question files, one per subtask (MVBench's {@code
 * json/<subtask>.json}: a list of objects), into sample rows: the file's name becomes column {@code
 * subtask}, the sample id is {@code <subtask>#<index in the file>} (stable whatever the
 * partitioning). The files are small (hundreds of questions each) and read on the driver; every
 * object is checked for the benchmark's columns, an error naming the file and the index.
 */
final class QuestionFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QuestionFiles() {}

  static Dataset<Row> read(SparkSession spark, Benchmark benchmark, List<String> files) {
    List<Row> rows = new ArrayList<>();
    for (String file : files) {
      Path p = new Path(file);
      String name = p.getName();
      String subtask = name.substring(0, name.length() - ".json".length());
      JsonNode list;
      try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
        list = JSON.readTree(in);
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": unreadable JSON: " + e.getMessage(), e);
      }
      if (list == null || !list.isArray()) {
        throw new IllegalArgumentException(
            file + ": benchmark " + benchmark.name() + " expects a JSON list of questions");
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode q = list.get(i);
        check(q, benchmark, file + "[" + i + "]");
        ObjectNode cols = JSON.createObjectNode();
        for (Column c : benchmark.columns()) {
          if (q.has(c.name())) {
            cols.set(c.name(), q.get(c.name()));
          }
        }
        cols.put(MvbenchBenchmark.SUBTASK, subtask);
        rows.add(
            RowFactory.create(
                benchmark.name(),
                subtask + DatasetLayout.ID_SEPARATOR + i,
                cols.toString(),
                new byte[0][]));
      }
    }
    return spark.createDataFrame(rows, SampleTable.SCHEMA);
  }

  private static void check(JsonNode q, Benchmark benchmark, String where) {
    if (q == null || !q.isObject()) {
      throw new IllegalArgumentException(where + ": a question must be a JSON object");
    }
    for (Column c : benchmark.columns()) {
      JsonNode v = q.get(c.name());
      if (v == null || v.isNull()) {
        if (c.required()) {
          throw new IllegalArgumentException(
              where + ": benchmark " + benchmark.name() + " needs field '" + c.name() + "'");
        }
        continue;
      }
      boolean ok =
          switch (c.kind()) {
            case STRING -> v.isTextual() || v.isIntegralNumber();
            case INTEGER -> v.isIntegralNumber();
            case STRING_LIST -> v.isArray() && allText(v);
            default -> false;
          };
      if (!ok) {
        throw new IllegalArgumentException(
            where + ": field '" + c.name() + "' must be " + c.kind() + ", found " + v);
      }
    }
  }

  private static boolean allText(JsonNode v) {
    for (JsonNode x : v) {
      if (!x.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
