package org.v2drop.jobs.scale;

import ai.djl.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.v2drop.core.bench.ChatTemplate;
import org.v2drop.core.bench.Prompt;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.drop.DropSchedule;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.Stage;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.KeptStage;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.LlavaConversation;

/**
 * An engine that answers without a model, for measuring the pipeline around it at full sweep size.
 * Test scope only: the product cannot select it; {@link EngineDoublePlugin} installs it in executor
 * JVMs. Everything it returns is a function of the checkpoint's config.json, the sample id and the
 * method, so reruns and repartitionings give the same rows:
 *
 * <ul>
 *   <li>the prompt keeps its real text and image count; each image becomes the config's vision
 *       tokens (576 for a LLaVA-1.5-7B config), and the text one token per four characters;
 *   <li>the kept positions follow the method's expanded schedule ({@link DropSchedule}), the tokens
 *       kept at each drop chosen by a hash of (sample, method, layer, position);
 *   <li>the answer is one of a few words (yes, no, letters, a number, a colour) picked by the hash
 *       of (sample, method), then EOS;
 *   <li>the LLM time is drawn from the H200 anchor's distribution for LLaVA-1.5-7B at batch 1
 *       (log-normal, median 100 ms, sigma 0.35), its prefill part scaled by the vision tokens alive
 *       per layer — reported, never slept.
 * </ul>
 */
public final class EngineDouble implements Engine {
  /** The words the double answers with; token id = {@link #FIRST_WORD} + index. */
  static final List<String> WORDS = List.of("Yes", "No", "A", "B", "C", "D", "2", "red");

  static final int FIRST_WORD = 100;
  static final long EOS = 2;
  static final double MEDIAN_MS = 100;
  static final double SIGMA = 0.35;
  private static final int PREFIX_TOKENS = 5; // "<s>USER: " before the first image

  private final int layers;
  private final int perImage;

  public EngineDouble(Path checkpoint, Device device, ComputeDType dtype) {
    LlavaConfig c = LlavaConfig.load(checkpoint);
    this.layers = c.text().numHiddenLayers();
    this.perImage = c.tokensPerImage();
  }

  @Override
  public ChatTemplate chatTemplate() {
    return LlavaConversation.DEFAULT;
  }

  @Override
  public EncodedInput encode(Prompt prompt, String sampleId) {
    return encode(prompt.text(), prompt.images().size(), sampleId);
  }

  @Override
  public EncodedInput encode(
      String prompt, List<org.v2drop.core.processor.RgbImage> images, String sampleId) {
    return encode(prompt, images.size(), sampleId);
  }

  @Override
  public EncodedInput syntheticInput(int textTokens, int images) {
    return encode("x".repeat(4 * Math.max(1, textTokens)), images, "bench");
  }

  /** The prompt's length in tokens: 4 characters each, after a fixed prefix and the images. */
  private EncodedInput encode(String prompt, int images, String sampleId) {
    int vision = images * perImage;
    int text = Math.max(1, prompt.length() / 4);
    long[] ids = new long[PREFIX_TOKENS + vision + text];
    long[] positions = new long[vision];
    for (int i = 0; i < vision; i++) {
      positions[i] = PREFIX_TOKENS + i;
    }
    return new EncodedInput(ids, positions, new float[0], images, 0, 0, sampleId);
  }

  @Override
  public Generation generate(EncodedInput input, MethodSpec method, int maxNewTokens) {
    long key = hash(input.sampleId() + "\n" + method.text());
    DropSchedule schedule = method.schedule(layers);
    long[] alive = input.visionPositions();
    int[] visionPerLayer = new int[layers];
    int[] tokensPerLayer = new int[layers];
    List<KeptStage> stages = new ArrayList<>();
    int other = input.inputIds().length - alive.length;
    for (int l = 0; l < layers; l++) {
      Stage s = schedule.at(l);
      if (s != null) {
        alive = keep(alive, s.keep(alive.length), key + l);
        stages.add(new KeptStage(l, alive));
      }
      visionPerLayer[l] = alive.length;
      tokensPerLayer[l] = other + alive.length;
    }
    double retained = 0;
    for (int v : visionPerLayer) {
      retained +=
          input.visionPositions().length == 0 ? 1 : (double) v / input.visionPositions().length;
    }
    retained /= layers;
    SplittableRandom rnd = new SplittableRandom(hash(input.sampleId()));
    double llmMs = MEDIAN_MS * Math.exp(SIGMA * gaussian(rnd));
    double prefillMs = 0.6 * llmMs * (0.2 + 0.8 * retained);
    double decodeMs = 0.4 * llmMs;
    double[] layerMs = new double[layers];
    Arrays.fill(layerMs, prefillMs / layers);
    long word = FIRST_WORD + Math.floorMod(key, WORDS.size());
    long[] tokens = maxNewTokens > 1 ? new long[] {word, EOS} : new long[] {word};
    return new Generation(
        tokens,
        method.expanded(layers),
        stages,
        visionPerLayer,
        tokensPerLayer,
        null,
        input.inputIds().length,
        input.visionPositions().length,
        5.0,
        prefillMs,
        decodeMs,
        layerMs,
        0,
        0,
        0,
        -1,
        -1,
        -1);
  }

  /** The same answer as {@link #generate}: the double has no decode steps to time. */
  @Override
  public Generation generateFixed(EncodedInput input, MethodSpec method, int newTokens) {
    return generate(input, method, newTokens);
  }

  @Override
  public List<Generation> generate(List<EncodedInput> inputs, MethodSpec method, int maxNewTokens) {
    List<Generation> out = new ArrayList<>(inputs.size());
    for (EncodedInput in : inputs) {
      out.add(generate(in, method, maxNewTokens));
    }
    return out;
  }

  @Override
  public String decode(long[] ids) {
    StringBuilder sb = new StringBuilder();
    for (long id : ids) {
      if (id >= FIRST_WORD && id < FIRST_WORD + WORDS.size()) {
        sb.append(WORDS.get((int) (id - FIRST_WORD)));
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {}

  /** {@code k} of {@code alive}, chosen by hash, in ascending order. */
  private static long[] keep(long[] alive, int k, long seed) {
    long[] ranked = new long[alive.length]; // hash bits above, the position in the low 20 bits
    for (int i = 0; i < alive.length; i++) {
      ranked[i] = (mix(seed * 31 + alive[i]) & ~0xFFFFFL) | alive[i];
    }
    Arrays.sort(ranked);
    long[] out = new long[k];
    for (int i = 0; i < k; i++) {
      out[i] = ranked[i] & 0xFFFFFL;
    }
    Arrays.sort(out);
    return out;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = Math.max(rnd.nextDouble(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  static long hash(String s) {
    long h = 1125899906842597L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return mix(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
