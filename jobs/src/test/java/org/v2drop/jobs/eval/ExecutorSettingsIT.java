package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.v2drop.jobs.sweep.Sweep;
import org.v2drop.udf.EvaluatePartition;

/**
 * What the driver sends executors carries no credential, whatever the driver's Hadoop settings
 * hold: keys, secrets and session tokens (global and per bucket) set in the configuration itself —
 * not only in a credential provider — stay out of the executor settings and out of the serialized
 * partition function, while the settings executors need still go.
 */
class ExecutorSettingsIT {
  static final Map<String, String> SECRETS =
      Map.of(
          "fs.s3a.access.key", "AKIA-LEAK-ACCESS-1",
          "fs.s3a.secret.key", "leak-secret-2",
          "fs.s3a.session.token", "leak-session-token-3",
          "fs.s3a.bucket.reports.secret.key", "leak-bucket-secret-4",
          "fs.s3a.bucket.reports.access.key", "AKIA-LEAK-BUCKET-5",
          "fs.s3a.encryption.key", "leak-sse-key-6",
          "fs.s3a.server-side-encryption.key", "leak-sse-key-7",
          "fs.s3a.proxy.password", "leak-proxy-password-8");

  @Test
  void credentialsNeverReachExecutors() throws Exception {
    SparkSession.Builder b = SparkSession.builder().master("local[1]").appName("settings-test");
    b.config("spark.ui.enabled", "false");
    b.config("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9");
    b.config("spark.hadoop.fs.s3a.bucket.reports.endpoint.region", "eu-west-1");
    SECRETS.forEach((k, v) -> b.config("spark.hadoop." + k, v));
    SparkSession spark = b.getOrCreate();
    try {
      SECRETS.forEach(
          (k, v) ->
              assertEquals(v, spark.sparkContext().hadoopConfiguration().get(k), "set: " + k));
      Map<String, String> sent = EvalJob.remoteFetchConf(spark);
      assertEquals("http://127.0.0.1:9", sent.get("fs.s3a.endpoint"), "what executors need goes");
      assertEquals("eu-west-1", sent.get("fs.s3a.bucket.reports.endpoint.region"));
      for (Map.Entry<String, String> s : SECRETS.entrySet()) {
        assertFalse(sent.containsKey(s.getKey()), "sent to executors: " + s.getKey());
        assertFalse(sent.containsValue(s.getValue()), "sent to executors: " + s.getKey());
      }

      Sweep sweep =
          new Sweep(
              "r",
              "s3a://reports/out",
              List.of(new Sweep.ModelRef("m", "s3a://models/m")),
              List.of("vanilla"),
              List.of(),
              Map.of(),
              0.0,
              1);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(
            new EvaluatePartition(EvalJob.engineSpec(spark, sweep, sweep.models().get(0)), 4));
      }
      String shipped = bytes.toString(StandardCharsets.ISO_8859_1);
      assertTrue(shipped.contains("http://127.0.0.1:9"), "the partition function carries settings");
      for (Map.Entry<String, String> s : SECRETS.entrySet()) {
        assertFalse(shipped.contains(s.getValue()), "serialized with the task: " + s.getKey());
      }
    } finally {
      spark.stop();
    }
  }
}
