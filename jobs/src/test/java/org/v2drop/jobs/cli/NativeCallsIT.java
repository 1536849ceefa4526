package org.v2drop.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.jobs.testing.Repo;

/**
 * {@code bench --count-native-calls} counts calls into PyTorch in a JVM of its own: with fused
 * decoder layers a decode step makes at most 3 calls per layer; the readable layers (the same
 * model, {@code -Dv2drop.decoder.fused=false}) make many times more, so the counter sees the
 * difference it exists to measure.
 */
class NativeCallsIT {
  @TempDir Path tmp;

  @Test
  void fusedDecodeStepsCallPyTorchAtMostThreeTimesPerLayer() throws Exception {
    JsonNode fused = bench(true);
    JsonNode readable = bench(false);
    double perLayer = fused.get("native_calls_per_layer_per_token").asDouble();
    assertTrue(perLayer > 0 && perLayer <= 3, "fused decode: " + fused);
    assertEquals(
        fused.get("native_calls_per_token").asDouble() / 8,
        perLayer,
        1e-9,
        "tiny-llava-b has 8 layers");
    assertTrue(
        readable.get("native_calls_per_layer_per_token").asDouble() > 10 * perLayer,
        "the readable layers call PyTorch far more often: " + readable);
    assertTrue(
        readable.get("native_calls_prefill").asDouble()
            > fused.get("native_calls_prefill").asDouble(),
        readable + " " + fused);
    double fusedVision = fused.get("native_calls_vision").asDouble();
    assertTrue(
        fusedVision > 0 && fusedVision < 20,
        "the fused tower and projector are one call with its arguments: " + fused);
    assertTrue(
        readable.get("native_calls_vision").asDouble() > 10 * fusedVision,
        "the readable tower calls PyTorch per op: " + readable);
    assertEquals(
        fused.get("vision_tokens_per_layer"),
        readable.get("vision_tokens_per_layer"),
        "the same drops");
  }

  @Test
  void notCountingLeavesTheFieldsNullAndCountingInAStartedEngineIsRefused() throws Exception {
    JsonNode plain = BenchCommandIT.bench("vanilla", "1", 1);
    assertTrue(plain.get("native_calls_per_token").isNull(), plain.toString());
    assertTrue(plain.get("native_calls_vision").isNull(), plain.toString());
    Cli.Result late =
        Cli.run(
            "bench",
            "--model",
            Repo.FIXTURE_B.toString(),
            "--method",
            "vanilla",
            "--count-native-calls");
    assertEquals(1, late.code());
    assertTrue(late.err().contains("already started in this JVM"), late.err());
  }

  private JsonNode bench(boolean fused) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-Dv2drop.decoder.fused=" + fused);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "org.v2drop.jobs.cli.Main"));
    command.addAll(
        List.of(
            "bench",
            "--model",
            Repo.FIXTURE_B.toString(),
            "--method",
            "v2drop@1:0.5,5:0.5,6:0",
            "--images",
            "1",
            "--prompt-tokens",
            "20",
            "--new-tokens",
            "9",
            "--warmup",
            "0",
            "--repeat",
            "1",
            "--threads",
            "1",
            "--count-native-calls"));
    Path out = tmp.resolve("bench-" + fused + ".json");
    Path err = tmp.resolve("bench-" + fused + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bench ended");
    assertEquals(0, p.exitValue(), Files.readString(err));
    return new ObjectMapper().readTree(Files.readString(out));
  }
}
