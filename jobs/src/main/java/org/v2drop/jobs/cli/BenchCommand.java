package org.v2drop.jobs.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.DeviceMemory;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.Generator;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.udf.TorchThreads;

/** {@code v2drop bench}: times one generation with synthetic inputs and prints ONE JSON object. */
final class BenchCommand {
  static final String USAGE =
      """
      usage: v2drop bench --model DIR --method SPEC [--prompt-tokens N] [--images N] [--new-tokens N]
                          [--image-size WxH] [--video-frames N]
                          [--warmup N] [--repeat N] [--threads N] [--device D] [--dtype T]
                          [--count-native-calls]

      Runs --warmup untimed + --repeat timed generations of one synthetic sample (deterministic text ids, deterministic pixel
      values, the images placed after the first text token) and prints ONE JSON object on stdout:
        method, schedule, vision_ms, prefill_ms, decode_ms_per_token, llm_total_ms (prefill + decode),
        vision_tokens_per_layer, flops (prefill FLOPs of the decoder), threads, peak_rss_mb,
        plus prompt_tokens, vision_tokens, new_tokens, warmup, repeat, the per-repeat llm_total_ms and
        prefill_layer_ms (each decoder layer's prefill time, the drop step before it included; the layers
        one fused call runs, those between two drops, share its time equally), device, dtype,
        peak_device_mb (CUDA memory in use after the last generation, PyTorch's cache included; null on a CPU),
        native_calls_vision (tower and projector), native_calls_prefill, native_calls_per_token and
        native_calls_per_layer_per_token (decode), medians of
        the calls into PyTorch's JNI library: null unless --count-native-calls.
      Times are medians over the repeats in milliseconds. Exactly --new-tokens decode steps run (EOS ignored).
      --prompt-tokens  text tokens besides the image tokens (default 64)
      --images         images in the prompt (default 1; each gives the model's tokens per image)
      --image-size     WxH of each synthetic image before the processor resizes it (dynamic-resolution
                       families only, e.g. Qwen2-VL: 1344x1344 gives 2,304 vision tokens; default 448x448)
      --video-frames   one synthetic video of N frames of --image-size after the images (Qwen2-VL families)
      --new-tokens     generated tokens (default 16)
      --warmup         untimed generations first (default 5: the JVM compiles the drop path's Java code during
                       the first few, on the cores PyTorch computes on)
      --repeat         timed repeats (default 5)
      --threads        PyTorch intra-op threads (default: PyTorch's choice, usually the core count)
      --count-native-calls  count every call into PyTorch (DJL's JNI library's native methods are wrapped before
                       the engine starts; each call then costs a counter increment, so time without it)
      Compare with tools/hf_bench.py, which prints the same fields for HF transformers (see BENCHMARKS.md).
      """
          + Args.DEVICE_AND_DTYPE_HELP
          + """

      usage: v2drop bench --model DIR --serve [--prompt-tokens N] [--images N] [--new-tokens N] [--threads N]
                          [--image-size WxH] [--video-frames N]

      Loads the model once, prints {"ready": true}, then answers requests on stdin, one per line: "SPEC N" runs N
      generations with method SPEC and prints one JSON object as above (warmup 0, repeat N); end of input exits.
      tools/bench_interleaved.py drives this and tools/hf_bench.py --serve in alternation, so that both engines
      and all methods are measured under the same machine speed (a shared VM drifts by 10-40% within minutes).
      """;

  private BenchCommand() {}

  static int run(Args args) throws Exception {
    Path model = args.requiredPath("--model");
    boolean serve = args.flag("--serve");
    for (String option : new String[] {"--method", "--warmup", "--repeat"}) {
      if (serve && args.has(option)) {
        throw new Args.UsageException(
            "bench --serve takes the method and repeats per request, not " + option);
      }
    }
    MethodSpec method = serve ? null : MethodSpec.parse(args.required("--method"));
    int promptTokens = args.positiveIntOption("--prompt-tokens", 64);
    int images = args.intOption("--images", 1);
    int newTokens = args.positiveIntOption("--new-tokens", 16);
    int warmup = args.intOption("--warmup", 5);
    int repeat = args.positiveIntOption("--repeat", 5);
    int threads = args.intOption("--threads", 0);
    int[] size = imageSize(args.option("--image-size", null));
    int videoFrames = args.intOption("--video-frames", 0);
    if (videoFrames < 0) {
      throw new Args.UsageException("--video-frames must be >= 0, found " + videoFrames);
    }
    if (args.flag("--count-native-calls")) {
      NativeCalls.install(); // before anything starts the engine (--device below does)
      Generator.countNativeCalls(NativeCalls::count);
    }
    TorchThreads.request(
        threads); // read by DJL's PyTorch engine when it starts (--device asks it first)
    Device device = args.device();
    ComputeDType dtype = args.dtype(device);
    args.finish();
    if (images < 0) {
      throw new Args.UsageException("--images must be >= 0, found " + images);
    }
    if (warmup < 0) {
      throw new Args.UsageException("--warmup must be >= 0, found " + warmup);
    }
    try (Engine engine =
        ModelFamilies.load(
            model,
            device,
            dtype,
            new ModelFamily.PlannedUse(1, 1 + promptTokens, images + videoFrames, newTokens))) {
      EncodedInput input =
          size == null && videoFrames == 0
              ? engine.syntheticInput(promptTokens, images)
              : engine.syntheticInput(
                  promptTokens,
                  images,
                  size == null ? 0 : size[0],
                  size == null ? 0 : size[1],
                  videoFrames);
      if (serve) {
        serve(engine, input, newTokens, TorchThreads.effective(threads), device, dtype);
        return 0;
      }
      generations(engine, input, method, newTokens, warmup); // untimed
      List<Generation> runs = generations(engine, input, method, newTokens, repeat);
      System.out.println(
          toJson(
              method,
              runs,
              input,
              newTokens,
              warmup,
              TorchThreads.effective(threads),
              device,
              dtype));
    }
    return 0;
  }

  /** {width, height} of a WxH option, or null when absent. */
  static int[] imageSize(String text) {
    if (text == null) {
      return null;
    }
    String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int w = Integer.parseInt(parts[0].strip());
        int h = Integer.parseInt(parts[1].strip());
        if (w > 0 && h > 0) {
          return new int[] {w, h};
        }
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new Args.UsageException(
        "--image-size: expected WxH with positive integers (e.g. 1344x1344), found '" + text + "'");
  }

  /** Answers "SPEC N" lines from stdin with one JSON object each until end of input. */
  private static void serve(
      Engine engine,
      EncodedInput input,
      int newTokens,
      int threads,
      Device device,
      ComputeDType dtype)
      throws IOException {
    System.out.println("{\"ready\": true}");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      int repeat;
      try {
        repeat = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
      } catch (NumberFormatException e) {
        repeat = -1;
      }
      if (repeat < 1) {
        throw new Args.UsageException(
            "bench --serve: expected a request line \"SPEC N\" (N >= 1), found: " + line);
      }
      MethodSpec method = MethodSpec.parse(parts[0]);
      List<Generation> runs = generations(engine, input, method, newTokens, repeat);
      System.out.println(toJson(method, runs, input, newTokens, 0, threads, device, dtype));
      System.out.flush();
    }
  }

  /** {@code count} generations of the sample with exactly {@code newTokens} decode steps each. */
  private static List<Generation> generations(
      Engine engine, EncodedInput input, MethodSpec method, int newTokens, int count) {
    List<Generation> runs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      runs.add(engine.generateFixed(input, method, newTokens));
    }
    return runs;
  }

  static String toJson(
      MethodSpec method,
      List<Generation> runs,
      EncodedInput input,
      int newTokens,
      int warmup,
      int threads,
      Device device,
      ComputeDType dtype)
      throws IOException {
    ObjectNode out = new ObjectMapper().createObjectNode();
    Generation first = runs.get(0);
    out.put("method", method.text());
    out.put("schedule", first.schedule());
    out.put("vision_ms", median(runs.stream().mapToDouble(Generation::visionMs).toArray()));
    out.put("prefill_ms", median(runs.stream().mapToDouble(Generation::prefillMs).toArray()));
    out.put(
        "decode_ms_per_token",
        median(runs.stream().mapToDouble(Generation::decodeMsPerToken).toArray()));
    out.put("llm_total_ms", median(runs.stream().mapToDouble(Generation::totalMs).toArray()));
    ArrayNode perLayer = out.putArray("vision_tokens_per_layer");
    Arrays.stream(first.visionTokensPerLayer()).forEach(perLayer::add);
    out.put("flops", first.prefillFlops());
    out.put("threads", threads);
    out.put("peak_rss_mb", peakRssMb());
    out.put("prompt_tokens", input.inputIds().length);
    out.put("vision_tokens", first.visionTokens());
    out.put("new_tokens", newTokens);
    out.put("warmup", warmup);
    out.put("repeat", runs.size());
    ArrayNode totals = out.putArray("llm_total_ms_runs");
    runs.forEach(r -> totals.add(r.totalMs()));
    ArrayNode layerMs = out.putArray("prefill_layer_ms");
    for (int l = 0; l < first.prefillLayerMs().length; l++) {
      int layer = l;
      layerMs.add(median(runs.stream().mapToDouble(r -> r.prefillLayerMs()[layer]).toArray()));
    }
    out.put("device", device.toString());
    out.put("dtype", dtype.label());
    if (first.prefillNativeCalls() < 0) {
      out.putNull("native_calls_vision");
      out.putNull("native_calls_prefill");
      out.putNull("native_calls_per_token");
      out.putNull("native_calls_per_layer_per_token");
    } else {
      double perToken =
          median(
              runs.stream()
                  .mapToDouble(r -> (double) r.decodeNativeCalls() / Math.max(1, newTokens - 1))
                  .toArray());
      out.put(
          "native_calls_vision",
          median(runs.stream().mapToDouble(Generation::visionNativeCalls).toArray()));
      out.put(
          "native_calls_prefill",
          median(runs.stream().mapToDouble(Generation::prefillNativeCalls).toArray()));
      out.put("native_calls_per_token", perToken);
      out.put("native_calls_per_layer_per_token", perToken / first.prefillLayerMs().length);
    }
    Double peakDevice = DeviceMemory.usedMb(device);
    if (peakDevice == null) {
      out.putNull("peak_device_mb");
    } else {
      out.put("peak_device_mb", peakDevice);
    }
    return out.toString();
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Peak resident set size of this process (VmHWM) in MiB; -1 where /proc is not available. */
  static long peakRssMb() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }
}
