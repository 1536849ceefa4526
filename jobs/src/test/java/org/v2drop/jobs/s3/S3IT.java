package org.v2drop.jobs.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.eval.EvalJob;
import org.v2drop.jobs.eval.ReportPaths;
import org.v2drop.jobs.shapes.ShapesSuite;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.ExecutorModelCache;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 for real: s3proxy (a separate JVM on loopback) serves dataset, checkpoint and reports over s3a://; reports are
 * committed by the S3A magic committer; credentials come only from a Hadoop credential provider (JCEKS) and appear
 * in no report, error message or executor configuration.
 */
class S3IT {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final String ACCESS = "v2drop-test-access";
  static final String SECRET = "v2dropSecret-9f3b2c7a";
  static final String BUCKET = "v2drop";
  @TempDir static Path tmp;
  static Process server;
  static int port;
  static S3Client s3;

  @BeforeAll
  static void startServer() throws Exception {
    Path jar = ROOT.resolve("jobs/target/s3proxy/s3proxy.jar");
    assertTrue(Files.isRegularFile(jar), "s3proxy.jar is copied by the build (pre-integration-test): " + jar);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(tmp.resolve("blobs"));
    Path conf = tmp.resolve("s3proxy.conf");
    Files.writeString(conf, String.join("\n", "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + ACCESS, "s3proxy.credential=" + SECRET,
        "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + tmp.resolve("blobs")) + "\n");
    server = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", jar.toString(), "--properties",
        conf.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("s3proxy.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline || !server.isAlive()) {
          throw new AssertionError("s3proxy did not start: " + Files.readString(tmp.resolve("s3proxy.log")));
        }
        Thread.sleep(200);
      }
    }
    s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
        .forcePathStyle(true).build();
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stopServer() {
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      server.destroyForcibly();
    }
    ExecutorModelCache.closeAll();
  }

  static void upload(Path dir, String prefix) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String key = prefix + "/" + dir.relativize(f).toString().replace(File.separatorChar, '/');
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(f));
      }
    }
  }

  static String jceks() throws Exception {
    String path = "jceks://file" + tmp.resolve("s3.jceks");
    Configuration conf = new Configuration();
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, path);
    CredentialProvider provider = CredentialProviderFactory.getProviders(conf).get(0);
    provider.createCredentialEntry("fs.s3a.access.key", ACCESS.toCharArray());
    provider.createCredentialEntry("fs.s3a.secret.key", SECRET.toCharArray());
    provider.flush();
    return path;
  }

  @Test
  void sweepReadsAndWritesS3ThroughTheMagicCommitter() throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 4);
    ShapesSuite.write(new org.apache.hadoop.fs.Path(suite.toUri()), "test", counts, 2, new Configuration(), m -> { });
    upload(suite.resolve("shapes_pope"), "data/shapes_pope");
    Path model = ROOT.resolve("core/src/test/resources/fixtures/tiny-llava-a");
    upload(model, "models/tiny-a");

    LogCapture logs = LogCapture.open();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("s3-test").config("spark.ui.enabled",
        "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + port)
        .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
        .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .config("spark.hadoop.fs.s3a.change.detection.version.required", "false")
        .config("spark.hadoop.fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .config("spark.hadoop.hadoop.security.credential.provider.path", jceks())
        .config("spark.hadoop.fs.s3a.committer.name", "magic")
        .config("spark.hadoop.fs.s3a.committer.magic.enabled", "true")
        .config("spark.sql.sources.commitProtocolClass",
            "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol")
        .config("spark.sql.parquet.output.committer.class",
            "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter")
        .getOrCreate();
    try {
      String out = "s3a://" + BUCKET + "/reports";
      Sweep sweep = new Sweep("s3", out, List.of(new Sweep.ModelRef("tiny-a", "s3a://" + BUCKET + "/models/tiny-a")),
          List.of("vanilla", "v2drop@2:0.5,4:0.25"), List.of(new Sweep.BenchmarkRef("shapes_pope",
              "s3a://" + BUCKET + "/data/shapes_pope", null, 0)), Map.of("*", 2), 0.0, 2);
      EvalJob.Result r = EvalJob.run(spark, sweep, false, m -> { });
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      List<Row> preds = spark.read().parquet(ReportPaths.predictions(out)).collectAsList();
      assertEquals(8, preds.size());
      preds.forEach(p -> assertEquals("ok", p.getAs("status"), String.valueOf(p.<String>getAs("error"))));
      assertEquals(2, spark.read().parquet(ReportPaths.metrics(out)).filter("is_main_metric").count());

      String success = s3.getObjectAsBytes(b -> b.bucket(BUCKET)
          .key("reports/predictions/run_id=s3/model=tiny-a/benchmark=shapes_pope/method=vanilla/_SUCCESS"))
          .asString(StandardCharsets.UTF_8);
      JsonNode json = new ObjectMapper().readTree(success);
      assertEquals("magic", json.path("committer").asText(), success);

      // nothing of the credentials in the reports or in what executors are sent
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("reports/")).contents()) {
        String body = new String(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray(),
            StandardCharsets.ISO_8859_1);
        assertFalse(body.contains(SECRET) || body.contains(ACCESS), "credentials leaked into " + o.key());
      }
      String executorConf = String.valueOf(EvalJobAccess.remoteFetchConf(spark));
      assertFalse(executorConf.contains(SECRET) || executorConf.contains(ACCESS), executorConf);

      Sweep missing = new Sweep("s3-missing", out, sweep.models(), List.of("vanilla"), List.of(
          new Sweep.BenchmarkRef("shapes_pope", "s3a://" + BUCKET + "/data/nowhere", null, 0)), Map.of(), 0.0, 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EvalJob.run(spark, missing, false, m -> { }));
      assertTrue(e.getMessage().contains("no Parquet shards match s3a://v2drop/data/nowhere"), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    } finally {
      spark.stop();
      logs.stop();
    }
    assertTrue(logs.lines() > 0, "log events were captured");
    List<String> leaks = logs.containing(SECRET);
    assertTrue(leaks.isEmpty(), "the secret key appeared in the logs: " + leaks);
    // the access key id is not a secret for AWS, but it must not reach INFO-level (production) logs either
    List<String> ids = logs.containing(ACCESS).stream().filter(e -> !e.startsWith("DEBUG") && !e.startsWith("TRACE"))
        .toList();
    assertTrue(ids.isEmpty(), "the access key id appeared in INFO+ logs: " + ids);
  }
}
