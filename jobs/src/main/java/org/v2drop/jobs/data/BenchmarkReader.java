package org.v2drop.jobs.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.DatasetLayout;
import org.v2drop.udf.SampleTable;

/**
 * Reads a benchmark's Hugging Face Parquet shards as they are (local, HDFS or S3) into uniform
 * sample rows ({@link SampleTable#SCHEMA}): the benchmark's own columns as JSON, the encoded
 * images, and a stable sample id. Every shard's schema is checked first; a wrong or missing column
 * fails naming the column and the file.
 */
public final class BenchmarkReader {
  private BenchmarkReader() {}

  /**
   * @param location the dataset repository copy (or a shard glob / single .parquet file)
   * @param split split override, or null for the benchmark's default
   * @param limit keep the first {@code limit} samples by id (0 = all)
   */
  public static Dataset<Row> read(
      SparkSession spark, String benchmarkName, String location, String split, int limit) {
    Benchmark benchmark = Benchmarks.byName(benchmarkName);
    DatasetLayout layout = benchmark.layout();
    boolean direct =
        location.endsWith(".parquet") || location.endsWith(".json") || location.contains("*");
    String glob = direct ? location : layout.shards(location, split);
    List<String> files = expand(spark, glob, benchmarkName);
    if (layout.jsonFiles()) {
      Dataset<Row> rows = QuestionFiles.read(spark, benchmark, files);
      return limit > 0 ? rows.orderBy(SampleTable.SAMPLE_ID).limit(limit) : rows;
    }
    List<org.v2drop.core.bench.Column> wanted = new ArrayList<>(benchmark.columns());
    String imagesGlob = direct ? null : layout.imageShards(location, split);
    if (imagesGlob != null) {
      wanted.removeIf(c -> c.name().equals(layout.imageColumn()));
      wanted.add(
          org.v2drop.core.bench.Column.of("imageId", org.v2drop.core.bench.Column.Kind.STRING));
    }
    for (String f : files) {
      check(spark.read().parquet(f).schema(), wanted, f, benchmarkName);
    }
    Dataset<Row> df = spark.read().parquet(files.toArray(String[]::new));
    if (imagesGlob != null) {
      List<String> imageFiles = expand(spark, imagesGlob, benchmarkName);
      List<org.v2drop.core.bench.Column> imageCols =
          List.of(
              org.v2drop.core.bench.Column.of("id", org.v2drop.core.bench.Column.Kind.STRING),
              org.v2drop.core.bench.Column.of(
                  layout.imageColumn(), org.v2drop.core.bench.Column.Kind.IMAGE));
      for (String f : imageFiles) {
        check(spark.read().parquet(f).schema(), imageCols, f, benchmarkName);
      }
      Dataset<Row> images =
          spark
              .read()
              .parquet(imageFiles.toArray(String[]::new))
              .select(col("id").as("__image_id"), col(layout.imageColumn()));
      df = df.join(images, df.col("imageId").equalTo(images.col("__image_id")), "left");
    }
    List<Column> jsonCols = new ArrayList<>();
    for (org.v2drop.core.bench.Column c : benchmark.columns()) {
      boolean isImage =
          c.kind() == org.v2drop.core.bench.Column.Kind.IMAGE
              || c.kind() == org.v2drop.core.bench.Column.Kind.IMAGE_LIST;
      if (!isImage && Arrays.asList(df.columns()).contains(c.name())) {
        jsonCols.add(col("`" + c.name() + "`"));
      }
    }
    Column json = to_json(struct(jsonCols.toArray(Column[]::new)));
    Column images =
        layout.hasImages()
            ? array(col(layout.imageColumn()).getField("bytes"))
            : array().cast(DataTypes.createArrayType(DataTypes.BinaryType));
    Column id =
        layout.idColumns().isEmpty()
            ? sha2(
                    layout.hasImages()
                        ? concat_ws(
                            "|", json, sha2(col(layout.imageColumn()).getField("bytes"), 256))
                        : json,
                    256)
                .substr(1, 16)
            : concat_ws(
                DatasetLayout.ID_SEPARATOR,
                layout.idColumns().stream()
                    .map(c -> col("`" + c + "`").cast("string"))
                    .toArray(Column[]::new));
    Dataset<Row> out =
        df.select(
            lit(benchmarkName).as(SampleTable.BENCHMARK),
            id.as(SampleTable.SAMPLE_ID),
            json.as(SampleTable.SAMPLE_JSON),
            images.as(SampleTable.IMAGES));
    if (limit > 0) {
      out = out.orderBy(SampleTable.SAMPLE_ID).limit(limit);
    }
    return out;
  }

  private static List<String> expand(SparkSession spark, String glob, String benchmark) {
    try {
      Path p = new Path(glob);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] found = fs.globStatus(p);
      List<String> out = new ArrayList<>();
      if (found != null) {
        for (FileStatus s : found) {
          if (s.isFile()) {
            out.add(s.getPath().toString());
          }
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(
            "benchmark "
                + benchmark
                + ": no "
                + (glob.endsWith(".json") ? "question files" : "Parquet shards")
                + " match "
                + glob);
      }
      out.sort(String::compareTo);
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "benchmark " + benchmark + ": cannot list " + glob + ": " + e.getMessage(), e);
    }
  }

  /** Fails on the first missing or mistyped column, naming it and the file. */
  static void check(
      StructType schema, List<org.v2drop.core.bench.Column> wanted, String file, String benchmark) {
    for (org.v2drop.core.bench.Column c : wanted) {
      StructField f =
          Arrays.stream(schema.fields())
              .filter(x -> x.name().equals(c.name()))
              .findFirst()
              .orElse(null);
      if (f == null) {
        if (c.required()) {
          throw new IllegalArgumentException(
              file
                  + ": benchmark "
                  + benchmark
                  + " needs column '"
                  + c.name()
                  + "' ("
                  + c.kind()
                  + "), which the file does not have; it has "
                  + Arrays.toString(schema.fieldNames()));
        }
        continue;
      }
      if (!matches(f.dataType(), c.kind())) {
        throw new IllegalArgumentException(
            file
                + ": column '"
                + c.name()
                + "' of benchmark "
                + benchmark
                + " is "
                + f.dataType().simpleString()
                + ", expected "
                + expected(c.kind()));
      }
    }
  }

  static boolean matches(DataType t, org.v2drop.core.bench.Column.Kind kind) {
    return switch (kind) {
      case STRING -> t instanceof StringType || t instanceof IntegralType;
      case INTEGER -> t instanceof IntegralType;
      case STRING_LIST -> t instanceof ArrayType a && a.elementType() instanceof StringType;
      case IMAGE -> isImage(t);
      case IMAGE_LIST -> t instanceof ArrayType a && isImage(a.elementType());
    };
  }

  private static boolean isImage(DataType t) {
    return t instanceof StructType s
        && Arrays.asList(s.fieldNames()).contains("bytes")
        && s.apply("bytes").dataType() instanceof BinaryType;
  }

  private static String expected(org.v2drop.core.bench.Column.Kind kind) {
    return switch (kind) {
      case STRING -> "string (or an integer)";
      case INTEGER -> "an integer type";
      case STRING_LIST -> "array<string>";
      case IMAGE -> "struct<bytes: binary, path: string>";
      case IMAGE_LIST -> "array<struct<bytes: binary, path: string>>";
    };
  }
}
