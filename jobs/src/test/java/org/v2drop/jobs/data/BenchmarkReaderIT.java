package org.v2drop.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.LlavaConversation;
import org.v2drop.udf.SampleTable;

/**
 * The readers read the Hub layouts (files written by HF datasets) unchanged, and reject wrong
 * schemas clearly.
 */
class BenchmarkReaderIT {
  static final Path LAYOUTS =
      Path.of(System.getProperty("user.dir"))
          .getParent()
          .resolve("core/src/test/resources/lmms-layouts");
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("reader-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @ParameterizedTest
  @CsvSource({
    "pope, POPE, 12",
    "pope_adv, POPE, 4",
    "pope_pop, POPE, 4",
    "pope_random, POPE, 4",
    "mme, MME, 12",
    "gqa, GQA, 12",
    "textvqa_val, textvqa, 12",
    "vizwiz_vqa_val, VizWiz-VQA, 12",
    "scienceqa_img, ScienceQA, 12",
    "mmbench_en_dev, MMBench, 12"
  })
  void readsHubLayoutsUnchanged(String benchmark, String dir, int rows) {
    List<Row> got =
        BenchmarkReader.read(spark, benchmark, LAYOUTS.resolve(dir).toString(), null, 0)
            .collectAsList();
    assertEquals(rows, got.size());
    Benchmark b = Benchmarks.byName(benchmark);
    Set<String> ids = new HashSet<>();
    for (Row r : got) {
      Sample s = SampleTable.toSample(r);
      assertTrue(ids.add(s.id()), "sample ids are unique: " + s.id());
      assertEquals(1, s.images().size(), s.id());
      ImageDecoder.decode(s.images().get(0), s.id()); // grey, RGBA, PNG and JPEG all decode
      String prompt = b.toPrompt(s, LlavaConversation.DEFAULT).text();
      assertTrue(prompt.contains("USER: <image>\n") && prompt.endsWith(" ASSISTANT:"), prompt);
      assertFalse(prompt.contains("null"), prompt);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "textvqa_val, question, 'needs column ''answers''', answers",
    "mmbench_en_dev, index, 'column ''index'' of benchmark mmbench_en_dev is string', none"
  })
  void wrongSchemaNamesColumnAndFile(
      String benchmark, String castColumn, String problem, String dropColumn, @TempDir Path tmp) {
    Path src = LAYOUTS.resolve(benchmark.equals("textvqa_val") ? "textvqa" : "MMBench");
    var df =
        spark
            .read()
            .parquet(
                src
                    + "/"
                    + (benchmark.equals("textvqa_val")
                        ? "data/validation-*.parquet"
                        : "en/dev-*.parquet"));
    df =
        dropColumn.equals("none")
            ? df.withColumn(castColumn, df.col(castColumn).cast("string"))
            : df.drop(dropColumn);
    Path out = tmp.resolve("bad");
    df.coalesce(1).write().parquet(out.toString());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchmarkReader.read(spark, benchmark, out + "/*.parquet", null, 0));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains(".parquet"), "names the file: " + e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"pope"})
  void missingShardsAreNamed(String benchmark, @TempDir Path tmp) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchmarkReader.read(spark, benchmark, tmp.toString(), null, 0));
    assertTrue(
        e.getMessage().contains("no Parquet shards match " + tmp + "/data/test-*.parquet"),
        e.getMessage());
  }
}
