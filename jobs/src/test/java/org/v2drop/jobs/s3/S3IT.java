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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.eval.EvalJob;
import org.v2drop.jobs.eval.ReportPaths;
import org.v2drop.jobs.eval.RunLease;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.udf.ExecutorModelCache;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 for real: s3proxy (a separate JVM on loopback) serves dataset, checkpoint and reports over
 * s3a://; reports are committed by the S3A magic committer; credentials come only from a Hadoop
 * credential provider (JCEKS) and appear in no report, error message or executor configuration.
 */
class S3IT {
  static final String ACCESS = "v2drop-test-access";
  static final String SECRET = "v2dropSecret-9f3b2c7a";
  static final String BUCKET = "v2drop";

  @TempDir static Path tmp;

  static Process server;
  static int port;
  static S3Client s3;

  @BeforeAll
  static void startServer() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    launchServer();
    s3 =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
            .forcePathStyle(true)
            .build();
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  /**
   * Starts s3proxy on {@link #port} over the blob folder (kept across restarts) and waits until it
   * listens.
   */
  static void launchServer() throws Exception {
    Path jar = Repo.ROOT.resolve("jobs/target/s3proxy/s3proxy.jar");
    assertTrue(
        Files.isRegularFile(jar),
        "s3proxy.jar is copied by the build (pre-integration-test): " + jar);
    Files.createDirectories(tmp.resolve("blobs"));
    Path conf = tmp.resolve("s3proxy.conf");
    Files.writeString(
        conf,
        String.join(
                "\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS,
                "s3proxy.credential=" + SECRET,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + tmp.resolve("blobs"))
            + "\n");
    server =
        new ProcessBuilder(
                System.getProperty("java.home") + "/bin/java",
                "-jar",
                jar.toString(),
                "--properties",
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("s3proxy.log").toFile())
            .start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline || !server.isAlive()) {
          throw new AssertionError(
              "s3proxy did not start: " + Files.readString(tmp.resolve("s3proxy.log")));
        }
        Thread.sleep(200);
      }
    }
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

  /**
   * Writes a shapes_pope test split of {@code samples} samples to tmp/{@code dir}, uploads it to
   * {@code prefix}.
   */
  static Path popeSuite(String dir, int samples, long seed, String prefix) throws Exception {
    Path suite = tmp.resolve(dir);
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", samples);
    Repo.writeSuite(suite, counts, seed);
    upload(suite.resolve("shapes_pope"), prefix);
    return suite;
  }

  static String jceks() throws Exception {
    String path = "jceks://file" + tmp.resolve("s3.jceks");
    if (Files.exists(tmp.resolve("s3.jceks"))) {
      return path;
    }
    Configuration conf = new Configuration();
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, path);
    CredentialProvider provider = CredentialProviderFactory.getProviders(conf).get(0);
    provider.createCredentialEntry("fs.s3a.access.key", ACCESS.toCharArray());
    provider.createCredentialEntry("fs.s3a.secret.key", SECRET.toCharArray());
    provider.flush();
    return path;
  }

  /**
   * A local[2] session on S3A with the magic committer; credentials only from the JCEKS provider.
   */
  static SparkSession session(String endpoint, Map<String, String> extra) throws Exception {
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("s3-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.hadoop.fs.s3a.endpoint", endpoint)
            .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
            .config("spark.hadoop.fs.s3a.path.style.access", "true")
            .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
            .config("spark.hadoop.fs.s3a.change.detection.version.required", "false")
            .config(
                "spark.hadoop.fs.s3a.aws.credentials.provider",
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
            .config("spark.hadoop.hadoop.security.credential.provider.path", jceks())
            .config("spark.hadoop.fs.s3a.committer.name", "magic")
            .config("spark.hadoop.fs.s3a.committer.magic.enabled", "true")
            .config(
                "spark.sql.sources.commitProtocolClass",
                "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol")
            .config(
                "spark.sql.parquet.output.committer.class",
                "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
    extra.forEach(b::config);
    return b.getOrCreate();
  }

  @Test
  void sweepReadsAndWritesS3ThroughTheMagicCommitter() throws Exception {
    popeSuite("suite", 4, 2, "data/shapes_pope");
    Path model = Repo.FIXTURE_A;
    upload(model, "models/tiny-a");

    LogCapture logs = LogCapture.open();
    SparkSession spark = session("http://127.0.0.1:" + port, Map.of());
    try {
      String out = "s3a://" + BUCKET + "/reports";
      Sweep sweep =
          new Sweep(
              "s3",
              out,
              List.of(new Sweep.ModelRef("tiny-a", "s3a://" + BUCKET + "/models/tiny-a")),
              List.of("vanilla", "v2drop@2:0.5,4:0.25"),
              List.of(
                  new Sweep.BenchmarkRef(
                      "shapes_pope", "s3a://" + BUCKET + "/data/shapes_pope", null, 0)),
              Map.of("*", 2),
              0.0,
              2);
      EvalJob.Result r = EvalJob.run(spark, sweep, false, m -> {});
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      assertEquals("s3a://v2drop/reports/report/s3/index.html", r.reportPage(), "the run's page");
      String page =
          s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("reports/report/s3/index.html"))
              .asUtf8String();
      assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("data:image/png;base64,"));
      List<Row> preds = spark.read().parquet(ReportPaths.predictions(out)).collectAsList();
      assertEquals(8, preds.size());
      preds.forEach(
          p -> assertEquals("ok", p.getAs("status"), String.valueOf(p.<String>getAs("error"))));
      assertEquals(
          2, spark.read().parquet(ReportPaths.metrics(out)).filter("is_main_metric").count());

      String success =
          s3.getObjectAsBytes(
                  b ->
                      b.bucket(BUCKET)
                          .key(
                              "reports/predictions/run_id=s3/model=tiny-a/benchmark=shapes_pope/method=vanilla/_SUCCESS"))
              .asString(StandardCharsets.UTF_8);
      JsonNode json = new ObjectMapper().readTree(success);
      assertEquals("magic", json.path("committer").asText(), success);

      // nothing of the credentials in the reports or in what executors are sent
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("reports/")).contents()) {
        String body =
            new String(
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray(),
                StandardCharsets.ISO_8859_1);
        assertFalse(
            body.contains(SECRET) || body.contains(ACCESS), "credentials leaked into " + o.key());
      }
      String executorConf = String.valueOf(EvalJobAccess.remoteFetchConf(spark));
      assertFalse(executorConf.contains(SECRET) || executorConf.contains(ACCESS), executorConf);

      Sweep missing =
          new Sweep(
              "s3-missing",
              out,
              sweep.models(),
              List.of("vanilla"),
              List.of(
                  new Sweep.BenchmarkRef(
                      "shapes_pope", "s3a://" + BUCKET + "/data/nowhere", null, 0)),
              Map.of(),
              0.0,
              2);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> EvalJob.run(spark, missing, false, m -> {}));
      assertTrue(
          e.getMessage().contains("no Parquet shards match s3a://v2drop/data/nowhere"),
          e.getMessage());
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    } finally {
      spark.stop();
      logs.stop();
    }
    assertTrue(logs.lines() > 0, "log events were captured");
    List<String> leaks = logs.containing(SECRET);
    assertTrue(leaks.isEmpty(), "the secret key appeared in the logs: " + leaks);
    // the access key id is not a secret for AWS, but it must not reach INFO-level (production) logs
    // either
    List<String> ids =
        logs.containing(ACCESS).stream()
            .filter(e -> !e.startsWith("DEBUG") && !e.startsWith("TRACE"))
            .toList();
    assertTrue(ids.isEmpty(), "the access key id appeared in INFO+ logs: " + ids);
  }

  /**
   * A video benchmark on S3: Video-MME with its videos still in zips, read in place by positioned
   * reads (MVBench's folders go through the same storage; VideoBenchmarksIT covers them locally);
   * each video copied to the executor's local dir only while its frames are decoded.
   */
  @Test
  void videoBenchmarksReadTheirVideosFromS3() throws Exception {
    Path layouts = Path.of("src/test/resources/video-layouts");
    upload(layouts.resolve("Video-MME-zipped"), "data/Video-MME");
    upload(Repo.FIXTURE_A, "models/tiny-a");
    Path local = Files.createDirectories(tmp.resolve("local-dir"));
    SparkSession spark =
        session("http://127.0.0.1:" + port, Map.of("spark.local.dir", local.toString()));
    try {
      String out = "s3a://" + BUCKET + "/video-reports";
      Sweep sweep =
          new Sweep(
              "s3-video",
              out,
              List.of(new Sweep.ModelRef("tiny-a", "s3a://" + BUCKET + "/models/tiny-a")),
              List.of("vanilla"),
              List.of(
                  new Sweep.BenchmarkRef(
                      "videomme", "s3a://" + BUCKET + "/data/Video-MME", null, 0, 4, null)),
              Map.of("*", 2),
              0.5,
              2);
      EvalJob.Result r = EvalJob.run(spark, sweep, false, m -> {});
      assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
      Dataset<Row> preds = spark.read().parquet(ReportPaths.predictions(out));
      assertEquals(6, preds.filter("benchmark = 'videomme' and status = 'ok'").count());
      Row missing = preds.filter("sample_id = '005-1'").first();
      assertTrue(
          ((String) missing.getAs("error")).contains("nor in its 3 zip archives"),
          (String) missing.getAs("error"));
    } finally {
      spark.stop();
    }
    try (Stream<Path> left = Files.walk(local)) {
      List<Path> videos =
          left.filter(p -> p.getFileName().toString().startsWith("v2drop-video-")).toList();
      assertTrue(videos.isEmpty(), "local copies left behind: " + videos);
    }
  }

  /**
   * A run's lease on S3: a second run of the run id fails naming the holder, another run id is not
   * blocked. Creating the lease is one conditional PUT ({@code If-None-Match: *}), which s3proxy
   * honours as Amazon S3 does: a create over an existing key is refused and the key kept.
   */
  @Test
  void aRunsLeaseOnS3ExcludesASecondRunOfItsRunId() throws Exception {
    SparkSession spark = session("http://127.0.0.1:" + port, Map.of());
    try {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      String out = "s3a://" + BUCKET + "/leased";
      RunLease.Settings fast =
          new RunLease.Settings(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(1));
      try (RunLease first = RunLease.acquire(conf, out, "l", RunLease.Mode.FAIL, fast, m -> {})) {
        RunLease.HeldException e =
            assertThrows(
                RunLease.HeldException.class,
                () -> RunLease.acquire(conf, out, "l", RunLease.Mode.FAIL, fast, m -> {}));
        assertTrue(
            e.getMessage().contains("lease file s3a://v2drop/leased/_leases/l.json"),
            e.getMessage());
        try (RunLease other =
            RunLease.acquire(conf, out, "other", RunLease.Mode.FAIL, fast, m -> {})) {
          other.check();
        }
        first.check();
      }
      assertFalse(
          s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("leased/_leases/l.json")).hasContents(),
          "released");

      // two creates racing are decided by the store: S3A sends the lease's PUT with If-None-Match
      // (no existence check first), so a key that exists is neither overwritten nor reported taken
      s3.putObject(b -> b.bucket(BUCKET).key("leased/probe"), RequestBody.fromString("first"));
      org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(out + "/probe");
      assertFalse(
          RunLease.createIfAbsent(
              probe.getFileSystem(conf), probe, "second".getBytes(StandardCharsets.UTF_8)),
          "the store refused the conditional create");
      assertEquals(
          "first",
          s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("leased/probe")).asUtf8String(),
          "and kept the first object");
      // with S3A's conditional writes switched off the lease falls back to an existence check,
      // never to an overwrite
      Configuration plain = new Configuration(conf);
      plain.setBoolean("fs.s3a.create.conditional.enabled", false);
      plain.setBoolean("fs.s3a.impl.disable.cache", true);
      org.apache.hadoop.fs.FileSystem pfs = probe.getFileSystem(plain);
      assertFalse(
          RunLease.createIfAbsent(pfs, probe, "third".getBytes(StandardCharsets.UTF_8)),
          "an existing key is not taken");
      assertEquals(
          "first", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("leased/probe")).asUtf8String());
      org.apache.hadoop.fs.Path fresh = new org.apache.hadoop.fs.Path(out + "/fresh");
      assertTrue(RunLease.createIfAbsent(pfs, fresh, "x".getBytes(StandardCharsets.UTF_8)));
      pfs.close();
    } finally {
      spark.stop();
    }
  }

  /**
   * S3 faults: an endpoint that is down, and a server that dies in the middle of the evaluation.
   * Both end after a bounded number of retries with a clear failure that names the path, commit no
   * report, and leak nothing of the credentials; once the server is back, rerunning the sweep
   * completes it.
   */
  @Test
  void s3FaultsEndInBoundedRetriesAndLeaveNoPartialReports() throws Exception {
    Path suite = popeSuite("fault-suite", 12, 6, "fault-data/shapes_pope");
    Map<String, String> bounded =
        Map.of(
            "spark.hadoop.fs.s3a.impl.disable.cache",
            "true",
            "spark.hadoop.fs.s3a.attempts.maximum",
            "1",
            "spark.hadoop.fs.s3a.retry.limit",
            "2",
            "spark.hadoop.fs.s3a.retry.interval",
            "200ms",
            "spark.hadoop.fs.s3a.retry.throttle.limit",
            "2",
            "spark.hadoop.fs.s3a.connection.establish.timeout",
            "2s",
            "spark.hadoop.fs.s3a.connection.timeout",
            "5s",
            "spark.hadoop.fs.s3a.connection.acquisition.timeout",
            "5s");
    String model = Repo.FIXTURE_A.toString();
    LogCapture logs = LogCapture.open();
    try {
      // 1. nothing listens at the endpoint
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      SparkSession down = session("http://127.0.0.1:" + closedPort, bounded);
      try {
        Sweep sweep =
            faultSweep(
                "down",
                "s3a://" + BUCKET + "/fault-data/shapes_pope",
                "s3a://" + BUCKET + "/reports-down",
                model);
        long t0 = System.nanoTime();
        Exception e = assertThrows(Exception.class, () -> EvalJob.run(down, sweep, false, m -> {}));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 120, "bounded retries: failed after " + seconds + " s");
        String chain = chain(e);
        assertTrue(
            chain.contains("s3a://" + BUCKET + "/reports-down")
                || chain.contains("s3a://" + BUCKET + "/fault-data/shapes_pope"),
            "names the path: " + chain);
        assertFalse(chain.contains(SECRET) || chain.contains(ACCESS), chain);
      } finally {
        down.stop();
      }

      // 2. the server dies while the first tasks are writing; then it comes back and the rerun
      // completes
      SparkSession spark = session("http://127.0.0.1:" + port, bounded);
      String out = "s3a://" + BUCKET + "/reports-fault";
      Sweep sweep = faultSweep("fault", suite.resolve("shapes_pope").toString(), out, model);
      try {
        java.util.concurrent.atomic.AtomicBoolean stopped =
            new java.util.concurrent.atomic.AtomicBoolean();
        spark
            .sparkContext()
            .addSparkListener(
                new org.apache.spark.scheduler.SparkListener() {
                  @Override
                  public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
                    if (end.taskInfo().successful()
                        && end.stageAttemptId() == 0
                        && !stopped.get()
                        && end.taskType().contains("ResultTask")
                        && s3ProxyWrites()
                        && stopped.compareAndSet(false, true)) {
                      server.destroyForcibly();
                    }
                  }
                });
        long t0 = System.nanoTime();
        Exception e =
            assertThrows(Exception.class, () -> EvalJob.run(spark, sweep, false, m -> {}));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(stopped.get(), "the server was stopped mid-run");
        assertTrue(
            chain(e).contains("s3a://" + BUCKET + "/reports-fault"), "names the path: " + chain(e));
        assertTrue(seconds < 180, "bounded retries: failed after " + seconds + " s");
        assertFalse(chain(e).contains(SECRET) || chain(e).contains(ACCESS), chain(e));
        server.waitFor();
        launchServer();
        List<String> committed =
            s3
                .listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("reports-fault/"))
                .contents()
                .stream()
                .map(S3Object::key)
                .filter(k -> !k.startsWith("reports-fault/_staging/"))
                .toList();
        // readers ignore "_" folders; the lease stays behind: its release failed with the server
        assertEquals(
            List.of("reports-fault/_leases/fault.json"),
            committed.stream().filter(k -> !k.endsWith(".beat") && !k.endsWith("/")).toList(),
            "nothing is committed where readers look");
      } finally {
        spark.stop();
      }
      // the rerun takes over the lease the failed run left (here the same JVM: stale after 1 s)
      Map<String, String> rerun = new LinkedHashMap<>(bounded);
      rerun.put(RunLease.TIMEOUT_KEY, "1s");
      Thread.sleep(1500);
      SparkSession again = session("http://127.0.0.1:" + port, rerun);
      try {
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        EvalJob.Result r = EvalJob.run(again, sweep, false, said::add);
        assertTrue(said.get(0).startsWith("taking over the lease of run 'fault'"), said.toString());
        assertTrue(r.failedCells().isEmpty(), r.failedCells().toString());
        assertEquals(24, again.read().parquet(ReportPaths.predictions(out)).count());
        assertEquals(
            List.of(),
            s3
                .listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("reports-fault/_staging/"))
                .contents()
                .stream()
                .map(S3Object::key)
                .filter(k -> !k.endsWith("/"))
                .toList(),
            "the rerun removed the dead run's staging files (S3A may keep the parent's directory marker)");
      } finally {
        again.stop();
      }
    } finally {
      logs.stop();
    }
    List<String> leaks = logs.containing(SECRET);
    assertTrue(leaks.isEmpty(), "the secret key appeared in the logs: " + leaks);
  }

  /** True once the S3 writes of the evaluation pass have begun (the staging prefix has objects). */
  static boolean s3ProxyWrites() {
    try (Stream<Path> files = Files.walk(tmp.resolve("blobs").resolve(BUCKET))) {
      return files.anyMatch(f -> f.toString().contains("reports-fault"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static Sweep faultSweep(String runId, String data, String out, String model) {
    return new Sweep(
        runId,
        out,
        List.of(new Sweep.ModelRef("tiny-a", model)),
        List.of("vanilla", "v2drop@2:0.5,4:0.25"),
        List.of(new Sweep.BenchmarkRef("shapes_pope", data, null, 0)),
        Map.of("*", 3),
        0.0,
        6);
  }

  /** Every message of an exception and its causes. */
  static String chain(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }
}
