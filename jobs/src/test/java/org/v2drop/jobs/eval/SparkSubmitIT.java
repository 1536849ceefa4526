package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.testing.ClusterSessions;
import org.v2drop.jobs.testing.Repo;

/**
 * spark-submit of the shaded app jar (what clusters run), against a local-cluster: SparkSubmit is
 * launched from SPARK_HOME/jars with {@code --class EvalMain app.jar --sweep FILE}, exactly as
 * cluster-configs/ submit it.
 */
class SparkSubmitIT {

  @Test
  void appJarRunsASweepUnderSparkSubmit(@TempDir Path tmp) throws Exception {
    Path appJar = Repo.ROOT.resolve("jobs/target/v2drop-jobs-0.1.0-SNAPSHOT-app.jar");
    assertTrue(Files.isRegularFile(appJar), "the build makes the shaded app jar: " + appJar);
    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(sparkHome != null, "SPARK_HOME is set by the build (failsafe)");
    String nativeJar =
        Arrays.stream(
                Files.readString(Repo.ROOT.resolve("udf/target/executor-classpath.txt"))
                    .strip()
                    .split(":"))
            .filter(p -> p.contains("pytorch-native-"))
            .findFirst()
            .orElseThrow();

    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 4);
    Repo.writeSuite(suite, counts, 4);
    Path sweep = tmp.resolve("sweep.yaml");
    Files.writeString(
        sweep,
        String.join(
                "\n",
                "run_id: submitted",
                "output: " + tmp.resolve("reports"),
                "models:",
                "  - {name: tiny-a, path: " + Repo.FIXTURE_A + "}",
                "methods: [vanilla, \"v2drop@2:0.5,4:0.25\"]",
                "benchmarks:",
                "  - {name: shapes_pope, path: " + suite.resolve("shapes_pope") + "}",
                "generation: {max_new_tokens: 2}",
                "partitions: 2")
            + "\n");

    String opens = String.join(" ", ClusterSessions.JAVA17_FLAGS);
    List<String> cmd =
        new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx1g"));
    cmd.addAll(ClusterSessions.JAVA17_FLAGS);
    cmd.addAll(
        List.of(
            "-cp",
            sparkHome + "/jars/*:" + nativeJar,
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local-cluster[1,1,1024]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.executor.extraClassPath=" + nativeJar,
            "--conf",
            "spark.executor.extraJavaOptions=" + opens,
            "--conf",
            "spark.executorEnv.DJL_OFFLINE=true",
            "--conf",
            "spark.executorEnv.OPT_OUT_TRACKING=true",
            "--class",
            "org.v2drop.jobs.eval.EvalMain",
            appJar.toString(),
            "--sweep",
            sweep.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr.txt").toFile());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "spark-submit timed out");
    String err = Files.readString(tmp.resolve("stderr.txt"));
    assertEquals(0, p.exitValue(), out + "\n" + err.substring(Math.max(0, err.length() - 4000)));
    assertTrue(out.contains("run submitted: reports under"), out);
    assertTrue(out.contains("shapes_pope") && out.contains("v2drop@2:0.5,4:0.25"), out);
    assertTrue(Files.isDirectory(tmp.resolve("reports/predictions/run_id=submitted/model=tiny-a")));
  }
}
