package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.drop.DropMethod;
import org.v2drop.core.drop.DropPolicy;
import org.v2drop.core.drop.DropSchedule;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.Stage;
import org.v2drop.core.model.DecoderLayer;
import org.v2drop.core.model.KvCache;
import org.v2drop.core.model.LlavaModel;
import org.v2drop.core.model.Rope;
import org.v2drop.core.processor.EncodedInput;

/**
 * Greedy generation with vision-token dropping (batch 1, fp32). Prefill runs the decoder layer by layer and consults
 * the method's {@link DropPolicy} at each scheduled boundary; decoding then extends per-layer KV caches whose lengths
 * reflect the drops. One NDManager per generation; one NDScope per layer step and per decode step.
 */
public final class Generator {
  private final LlavaModel model;
  private final RopeTables rope;

  public Generator(LlavaModel model) {
    this.model = model;
    TextConfig t = model.config().text();
    this.rope = new RopeTables(Rope.inverseFrequencies(t.rope(), t.headDim()));
  }

  /** Generates up to {@code maxNewTokens} tokens for {@code input} with {@code method}, stopping at EOS. */
  public Generation generate(EncodedInput input, MethodSpec method, int maxNewTokens) {
    return generate(input, method, maxNewTokens, true);
  }

  /**
   * Generates {@code maxNewTokens} tokens, or fewer when {@code stopAtEos} and EOS comes first (benchmarks time a
   * fixed number of decode steps and pass false).
   */
  public Generation generate(EncodedInput input, MethodSpec method, int maxNewTokens, boolean stopAtEos) {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max_new_tokens must be >= 1, found " + maxNewTokens);
    }
    LlavaConfig config = model.config();
    int numLayers = config.text().numHiddenLayers();
    DropSchedule schedule = method.schedule(numLayers);
    DropPolicy policy = method.method().policy();
    boolean renumber = method.method().renumbersPositions();
    long[] ids = input.inputIds();
    int n = ids.length;
    boolean[] isVision = new boolean[n];
    int numVision = 0;
    for (int i = 0; i < n; i++) {
      isVision[i] = ids[i] == config.imageTokenId();
      numVision += isVision[i] ? 1 : 0;
    }
    int expectedVision = input.numImages() * config.tokensPerImage();
    if (numVision != expectedVision) {
      throw new IllegalArgumentException("image tokens and image features do not match: the prompt holds "
          + numVision + " image tokens (id " + config.imageTokenId() + ") but " + input.numImages() + " image(s) give "
          + expectedVision + " features (" + config.tokensPerImage() + " each)");
    }
    try (NDManager m = model.newGenerationManager()) {
      long t0 = System.nanoTime();
      NDArray features = null; // (vision tokens, hidden)
      if (input.numImages() > 0) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray pixels = m.create(input.pixelValues(), new Shape(input.numImages(), 3, input.imageHeight(),
              input.imageWidth()));
          features = model.imageFeatures(pixels);
          NDScope.unregister(features);
        }
      }
      long t1 = System.nanoTime();

      // Prefill (spec "V²Drop" 3-5): positions from ids, text never dropped, one pool of vision tokens.
      long[] orig = new long[n]; // original positions of the alive tokens, physical order
      for (int i = 0; i < n; i++) {
        orig[i] = i;
      }
      long[] ropePos = orig.clone();
      NDArray h = mergeEmbeddings(m, ids, isVision, features); // (n, hidden)
      NDArray prev = null; // (n, hidden) input of the previous layer
      long[] prevRopePos = null;
      KvCache[] caches = new KvCache[numLayers];
      int[] visionPerLayer = new int[numLayers];
      int[] tokensPerLayer = new int[numLayers];
      List<KeptStage> stages = new ArrayList<>();
      List<DecoderLayer> layers = model.layers();
      for (int l = 0; l < numLayers; l++) {
        caches[l] = new KvCache(maxNewTokens - 1); // room for the decode steps: no per-token copy
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray in = h;
          Stage stage = schedule.at(l);
          if (stage != null) {
            long[] visionRows = rowsWhere(orig, isVision, true);
            long[] alive = new long[visionRows.length];
            for (int i = 0; i < alive.length; i++) {
              alive[i] = orig[(int) visionRows[i]];
            }
            int keep = stage.keep(alive.length);
            long[] kept = new long[0];
            if (keep > 0) {
              BoundaryView view = new BoundaryView(l, input.sampleId(), alive, visionRows, h, prev, ropePos,
                  prevRopePos, layers.get(l), layers.get(l - 1), rope);
              int[] chosen = policy.select(view, keep);
              kept = new long[chosen.length];
              for (int i = 0; i < chosen.length; i++) {
                kept[i] = alive[chosen[i]];
              }
            }
            stages.add(new KeptStage(l, kept));
            long[] rows = keptRows(orig, isVision, kept);
            in = h.get(new NDIndex("{}", m.create(rows)));
            orig = select(orig, rows);
            ropePos = renumber ? iota(rows.length) : select(ropePos, rows);
          }
          NDArray[] cs = rope.cosSin(m, ropePos);
          NDArray out = layers.get(l).forward(in, cs[0], cs[1], caches[l]);
          NDScope.unregister(in, out);
          if (prev != null) {
            prev.close();
          }
          if (in != h) {
            h.close();
          }
          prev = in;
          prevRopePos = ropePos;
          h = out;
        }
        tokensPerLayer[l] = orig.length;
        visionPerLayer[l] = rowsWhere(orig, isVision, true).length;
      }
      prev.close();
      float[] lastLogits;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        long last = h.getShape().get(0) - 1;
        lastLogits = model.logits(h.get(new NDIndex(last + ":" + (last + 1) + ", :"))).toFloatArray();
      }
      TopLogits top5 = TopLogits.of(lastLogits, Math.min(5, lastLogits.length));
      long t2 = System.nanoTime();
      int liveAfterPrefill = m.getManagedArrays().size();

      // Decode: nothing is dropped; each layer continues its own positions.
      long[] nextPos = new long[numLayers];
      for (int l = 0; l < numLayers; l++) {
        nextPos[l] = renumber ? tokensPerLayer[l] : n;
      }
      Set<Integer> eos = config.eosTokenIds();
      long[] tokens = new long[maxNewTokens];
      int count = 0;
      long token = top5.ids()[0];
      while (true) {
        tokens[count++] = token;
        if ((stopAtEos && eos.contains((int) token)) || count == maxNewTokens) {
          break;
        }
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray x = model.embed(m, new long[] {token}); // (1, hidden)
          long step = count - 1;
          for (int l = 0; l < numLayers; l++) {
            NDArray[] cs = rope.cosSin(m, new long[] {nextPos[l] + step});
            x = layers.get(l).forward(x, cs[0], cs[1], caches[l]);
          }
          token = model.logits(x).argMax().toLongArray()[0];
        }
      }
      long t3 = System.nanoTime();
      int liveAtEnd = m.getManagedArrays().size();
      double flops = Flops.prefill(config.text().hiddenSize(), config.text().intermediateSize(), tokensPerLayer);
      String expanded = method.method() == DropMethod.VANILLA ? "vanilla" : method.method().id() + "@" + schedule;
      return new Generation(Arrays.copyOf(tokens, count), expanded, List.copyOf(stages), visionPerLayer,
          tokensPerLayer, top5, n, numVision, ms(t0, t1), ms(t1, t2), ms(t2, t3), flops, liveAfterPrefill, liveAtEnd);
    }
  }

  /** Text embeddings with the image features scattered into the image-token rows, in order. */
  private NDArray mergeEmbeddings(NDManager m, long[] ids, boolean[] isVision, NDArray features) {
    NDArray text = model.embed(m, ids); // (n, hidden)
    if (features == null) {
      return text;
    }
    long[] perm = new long[ids.length];
    long next = ids.length;
    for (int i = 0; i < ids.length; i++) {
      perm[i] = isVision[i] ? next++ : i;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray merged = text.concat(features, 0).get(new NDIndex("{}", m.create(perm)));
      NDScope.unregister(merged);
      text.close();
      features.close();
      return merged;
    }
  }

  private static long[] rowsWhere(long[] orig, boolean[] isVision, boolean vision) {
    return java.util.stream.IntStream.range(0, orig.length).filter(i -> isVision[(int) orig[i]] == vision)
        .mapToLong(i -> i).toArray();
  }

  /** Rows to keep: every text token plus the kept vision positions. */
  private static long[] keptRows(long[] orig, boolean[] isVision, long[] kept) {
    return java.util.stream.IntStream.range(0, orig.length)
        .filter(i -> !isVision[(int) orig[i]] || Arrays.binarySearch(kept, orig[i]) >= 0).mapToLong(i -> i)
        .toArray();
  }

  private static long[] select(long[] values, long[] rows) {
    long[] out = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[(int) rows[i]];
    }
    return out;
  }

  private static long[] iota(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }
}
