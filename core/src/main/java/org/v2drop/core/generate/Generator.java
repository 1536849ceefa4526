package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
import org.v2drop.core.model.AttentionInputs;
import org.v2drop.core.model.DecoderLayer;
import org.v2drop.core.model.KvCache;
import org.v2drop.core.model.LlavaModel;
import org.v2drop.core.model.Rope;
import org.v2drop.core.processor.EncodedInput;

/**
 * Greedy generation with vision-token dropping, for one sequence or a batch (fp32). Prefill runs
 * the decoder layer by layer and consults the method's {@link DropPolicy} for each sequence at each
 * scheduled boundary; decoding then extends per-layer KV caches whose lengths reflect the drops.
 * One NDManager per call; one NDScope per layer step and per decode step.
 *
 * <p>A batch holds sequences of different lengths, and each keeps its own tokens at each drop, so
 * they stay ragged: the batch is right-padded to its longest sequence at every layer (a causal
 * query never sees the padding after it), and decoding appends every sequence's new key at the same
 * cache column, hiding each sequence's padding columns with a key mask. Each sequence keeps its own
 * position ids. A sequence's answer does not depend on the others in its batch beyond
 * floating-point summation order.
 */
public final class Generator {
  private final LlavaModel model;
  private final RopeTables rope;

  public Generator(LlavaModel model) {
    this.model = model;
    TextConfig t = model.config().text();
    this.rope = new RopeTables(Rope.inverseFrequencies(t.rope(), t.headDim()));
  }

  /**
   * Generates up to {@code maxNewTokens} tokens for {@code input} with {@code method}, stopping at
   * EOS.
   */
  public Generation generate(EncodedInput input, MethodSpec method, int maxNewTokens) {
    return generate(input, method, maxNewTokens, true);
  }

  /**
   * Generates {@code maxNewTokens} tokens, or fewer when {@code stopAtEos} and EOS comes first
   * (benchmarks time a fixed number of decode steps and pass false).
   */
  public Generation generate(
      EncodedInput input, MethodSpec method, int maxNewTokens, boolean stopAtEos) {
    return generate(List.of(input), method, maxNewTokens, stopAtEos).get(0);
  }

  /**
   * Generates for a batch of inputs at once, each with its own dropping; results in input order.
   * Times in each {@link Generation} are the batch's divided by its size (the cost per sample).
   */
  public List<Generation> generate(
      List<EncodedInput> inputs, MethodSpec method, int maxNewTokens, boolean stopAtEos) {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max_new_tokens must be >= 1, found " + maxNewTokens);
    }
    if (inputs.isEmpty()) {
      return List.of();
    }
    LlavaConfig config = model.config();
    int numLayers = config.text().numHiddenLayers();
    long hidden = config.text().hiddenSize();
    DropSchedule schedule = method.schedule(numLayers);
    DropPolicy policy = method.method().policy();
    boolean renumber = method.method().renumbersPositions();
    int b = inputs.size();
    Sequence[] seqs = new Sequence[b];
    for (int s = 0; s < b; s++) {
      seqs[s] = new Sequence(inputs.get(s), config, numLayers, maxNewTokens);
    }
    try (NDManager m = model.newGenerationManager()) {
      long t0 = System.nanoTime();
      NDArray[] features =
          imageFeatures(m, inputs); // per sequence (vision tokens, hidden), or null entries
      long t1 = System.nanoTime();

      // Prefill (spec "V²Drop" 3-5): positions from ids, text never dropped, one pool of vision
      // tokens per sequence.
      NDArray h =
          padded(
              m, seqs, s -> mergeEmbeddings(m, seqs[s].ids, seqs[s].isVision, features[s]), hidden);
      NDArray prev = null; // (b, rows, hidden) input of the previous layer
      KvCache[] caches = new KvCache[numLayers];
      int[][] cachedPerLayer =
          new int[numLayers][b]; // real (unpadded) cache length of each sequence per layer
      List<DecoderLayer> layers = model.layers();
      AttentionInputs segment = null; // RoPE tables of the current rows: they change only at a drop
      double[] layerMs =
          new double
              [numLayers]; // wall time per layer, its drop step included (ops are synchronous)
      for (int l = 0; l < numLayers; l++) {
        long layerStart = System.nanoTime();
        caches[l] = new KvCache(maxNewTokens - 1); // room for the decode steps: no per-token copy
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray in = h;
          Stage stage = schedule.at(l);
          if (stage != null) {
            BatchBoundary boundary = new BatchBoundary(l, h, prev, layers, rope);
            long[][] rows = new long[b][];
            for (int s = 0; s < b; s++) {
              rows[s] = seqs[s].drop(stage, policy, renumber, boundary, s);
            }
            in = gatherRows(m, h, rows, hidden);
          }
          if (segment == null || stage != null) {
            close(segment);
            segment = prefillInputs(m, seqs, in.getShape().get(1));
          }
          NDArray out = layers.get(l).forward(in, segment, caches[l]);
          NDScope.unregister(in, out);
          if (prev != null) {
            prev.close();
          }
          if (in != h) {
            h.close();
          }
          prev = in;
          for (Sequence seq : seqs) {
            seq.prevRopePos = seq.ropePos;
          }
          h = out;
        }
        for (int s = 0; s < b; s++) {
          seqs[s].recordLayer(l);
          cachedPerLayer[l][s] = seqs[s].orig.length;
        }
        layerMs[l] = ms(layerStart, System.nanoTime()) / b;
      }
      prev.close();
      close(segment);
      float[][] lastLogits = lastLogits(m, h, seqs);
      long[] next = new long[b];
      for (int s = 0; s < b; s++) {
        seqs[s].top5 = TopLogits.of(lastLogits[s], Math.min(5, lastLogits[s].length));
        next[s] = seqs[s].top5.ids()[0];
      }
      NDArray[] keyMasks = new NDArray[numLayers];
      for (int l = 0; l < numLayers; l++) {
        keyMasks[l] = paddingMask(m, cachedPerLayer[l], caches[l].length(), maxNewTokens - 1);
      }
      long t2 = System.nanoTime();
      int liveAfterPrefill = m.getManagedArrays().size();

      // Decode: nothing is dropped; each layer continues each sequence's own positions.
      Set<Integer> eos = config.eosTokenIds();
      long[] cached = new long[numLayers];
      for (int l = 0; l < numLayers; l++) {
        cached[l] = caches[l].length();
      }
      for (int step = 0; ; step++) {
        boolean running = false;
        for (int s = 0; s < b; s++) {
          running |= seqs[s].accept(next[s], stopAtEos, eos);
        }
        if (!running) {
          break;
        }
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray x = model.embed(m, next).reshape(b, 1, hidden);
          long[] stepPos = null;
          AttentionInputs stepInputs =
              null; // the same RoPE for every layer unless positions were renumbered
          for (int l = 0; l < numLayers; l++) {
            long[] pos = new long[b];
            for (int s = 0; s < b; s++) {
              pos[s] = seqs[s].decodeStart(l, renumber) + step;
            }
            if (!Arrays.equals(pos, stepPos)) {
              NDArray[] cs = rope.cosSin(m, pos, b, 1); // (b, 1, 1, headDim)
              stepInputs = new AttentionInputs(cs[0], cs[1], null);
              stepPos = pos;
            }
            NDArray mask =
                keyMasks[l] == null
                    ? null
                    : keyMasks[l].get(
                        new NDIndex().addAllDim(3).addSliceDim(0, cached[l] + step + 1));
            x = layers.get(l).forward(x, stepInputs.withKeyMask(mask), caches[l]);
          }
          next = model.logits(x.reshape(b, hidden)).argMax(-1).toLongArray();
        }
      }
      long t3 = System.nanoTime();
      int liveAtEnd = m.getManagedArrays().size();
      String expanded =
          method.method() == DropMethod.VANILLA ? "vanilla" : method.method().id() + "@" + schedule;
      List<Generation> out = new ArrayList<>(b);
      for (Sequence seq : seqs) {
        double flops =
            Flops.prefill(
                config.text().hiddenSize(), config.text().intermediateSize(), seq.tokensPerLayer);
        out.add(
            new Generation(
                Arrays.copyOf(seq.tokens, seq.count),
                expanded,
                List.copyOf(seq.stages),
                seq.visionPerLayer,
                seq.tokensPerLayer,
                seq.top5,
                seq.ids.length,
                seq.numVision,
                ms(t0, t1) / b,
                ms(t1, t2) / b,
                ms(t2, t3) / b,
                layerMs.clone(),
                flops,
                liveAfterPrefill,
                liveAtEnd));
      }
      return out;
    }
  }

  /** One sequence's prefill bookkeeping and generated tokens. */
  private static final class Sequence {
    final EncodedInput input;
    final long[] ids;
    final boolean[] isVision;
    final int numVision;
    long[] orig; // original positions of the alive tokens, physical order
    long[] ropePos;
    long[] prevRopePos;
    final List<KeptStage> stages = new ArrayList<>();
    final int[] visionPerLayer;
    final int[] tokensPerLayer;
    final long[] tokens;
    int count;
    boolean done;
    TopLogits top5;

    Sequence(EncodedInput input, LlavaConfig config, int numLayers, int maxNewTokens) {
      this.input = input;
      this.ids = input.inputIds();
      int n = ids.length;
      this.isVision = new boolean[n];
      int vision = 0;
      for (int i = 0; i < n; i++) {
        isVision[i] = ids[i] == config.imageTokenId();
        vision += isVision[i] ? 1 : 0;
      }
      this.numVision = vision;
      int expected = input.numImages() * config.tokensPerImage();
      if (vision != expected) {
        throw new IllegalArgumentException(
            "image tokens and image features do not match: the prompt holds "
                + vision
                + " image tokens (id "
                + config.imageTokenId()
                + ") but "
                + input.numImages()
                + " image(s) give "
                + expected
                + " features ("
                + config.tokensPerImage()
                + " each)");
      }
      this.orig = iota(n);
      this.ropePos = orig.clone();
      this.visionPerLayer = new int[numLayers];
      this.tokensPerLayer = new int[numLayers];
      this.tokens = new long[maxNewTokens];
    }

    /**
     * Asks the policy which vision tokens survive the drop at {@code boundary}; returns the rows to
     * keep.
     */
    long[] drop(Stage stage, DropPolicy policy, boolean renumber, BatchBoundary boundary, int s) {
      long[] visionRows = rowsWhere(orig, isVision);
      long[] alive = select(orig, visionRows);
      int keep = stage.keep(alive.length);
      long[] kept = new long[0];
      if (keep > 0) {
        BoundaryView view =
            new BoundaryView(
                boundary,
                s,
                orig.length,
                input.sampleId(),
                alive,
                visionRows,
                ropePos,
                prevRopePos);
        int[] chosen = policy.select(view, keep);
        kept = new long[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
          kept[i] = alive[chosen[i]];
        }
      }
      stages.add(new KeptStage(boundary.layer, kept));
      long[] rows = keptRows(orig, isVision, kept);
      orig = select(orig, rows);
      ropePos = renumber ? iota(rows.length) : select(ropePos, rows);
      return rows;
    }

    void recordLayer(int l) {
      tokensPerLayer[l] = orig.length;
      visionPerLayer[l] = countVision(orig, isVision);
    }

    /** Position id of the first decode step in layer {@code l}. */
    long decodeStart(int l, boolean renumber) {
      return renumber ? tokensPerLayer[l] : ids.length;
    }

    /** Takes the next token unless finished; returns whether another decode step is needed. */
    boolean accept(long token, boolean stopAtEos, Set<Integer> eos) {
      if (!done) {
        tokens[count++] = token;
        done = (stopAtEos && eos.contains((int) token)) || count == tokens.length;
      }
      return !done;
    }
  }

  /**
   * Per sequence (vision tokens, hidden) projected features, all images through the tower at once.
   */
  private NDArray[] imageFeatures(NDManager m, List<EncodedInput> inputs) {
    NDArray[] out = new NDArray[inputs.size()];
    int images = 0;
    for (EncodedInput in : inputs) {
      images += in.numImages();
      if (in.numImages() > 0
          && (in.imageHeight() != inputs.get(0).imageHeight()
              || in.imageWidth() != inputs.get(0).imageWidth())) {
        throw new IllegalArgumentException(
            "a batch needs images of one size: "
                + in.sampleId()
                + " has "
                + in.imageHeight()
                + "x"
                + in.imageWidth());
      }
    }
    if (images == 0) {
      return out;
    }
    EncodedInput first = inputs.stream().filter(in -> in.numImages() > 0).findFirst().orElseThrow();
    float[] pixels = new float[inputs.stream().mapToInt(in -> in.pixelValues().length).sum()];
    int offset = 0;
    for (EncodedInput in : inputs) {
      System.arraycopy(in.pixelValues(), 0, pixels, offset, in.pixelValues().length);
      offset += in.pixelValues().length;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray all =
          model.imageFeatures(
              m.create(pixels, new Shape(images, 3, first.imageHeight(), first.imageWidth())));
      long row = 0;
      for (int s = 0; s < out.length; s++) {
        long n = (long) inputs.get(s).numImages() * model.config().tokensPerImage();
        if (n > 0) {
          out[s] = all.get(new NDIndex(row + ":" + (row + n) + ", :"));
          NDScope.unregister(out[s]);
        }
        row += n;
      }
    }
    return out;
  }

  /**
   * Stacks per-sequence (rows, hidden) arrays into (b, longest, hidden), zero rows after each
   * sequence's end.
   */
  private static NDArray padded(
      NDManager m, Sequence[] seqs, java.util.function.IntFunction<NDArray> rowsOf, long hidden) {
    int longest = Arrays.stream(seqs).mapToInt(q -> q.orig.length).max().orElseThrow();
    NDList parts = new NDList();
    try {
      for (int s = 0; s < seqs.length; s++) {
        NDArray x = rowsOf.apply(s);
        parts.add(x);
        int pad = longest - (int) x.getShape().get(0);
        if (pad > 0) {
          try (NDArray zeros = m.zeros(new Shape(pad, hidden), x.getDataType())) {
            parts.set(s, x.concat(zeros, 0));
          }
          x.close();
        }
      }
      return NDArrays.stack(parts, 0);
    } finally {
      parts.close();
    }
  }

  /**
   * The kept rows of each sequence of {@code h} (b, rows, hidden), right-padded with copies of row
   * 0.
   */
  private static NDArray gatherRows(NDManager m, NDArray h, long[][] rows, long hidden) {
    long stride = h.getShape().get(1);
    int longest = Arrays.stream(rows).mapToInt(r -> r.length).max().orElseThrow();
    long[] flat = new long[rows.length * longest];
    for (int s = 0; s < rows.length; s++) {
      for (int i = 0; i < longest; i++) {
        flat[s * longest + i] = s * stride + (i < rows[s].length ? rows[s][i] : 0);
      }
    }
    // torch.gather with the row ids broadcast over the hidden axis: a third to half the time of
    // h[ids] (measured)
    NDArray index = m.create(flat).reshape(flat.length, 1).broadcast(flat.length, hidden);
    return h.reshape(rows.length * stride, hidden)
        .gather(index, 0)
        .reshape(rows.length, longest, hidden);
  }

  /**
   * The RoPE tables (b, 1, rows, headDim) of each sequence's position ids (padding rows take
   * position 0) in a prefill segment of {@code rows} rows, registered with no scope: the segment's
   * layers share them.
   */
  private AttentionInputs prefillInputs(NDManager m, Sequence[] seqs, long rows) {
    long[] flat = new long[(int) (seqs.length * rows)];
    for (int s = 0; s < seqs.length; s++) {
      System.arraycopy(seqs[s].ropePos, 0, flat, (int) (s * rows), seqs[s].ropePos.length);
    }
    NDArray[] cs = rope.cosSin(m, flat, seqs.length, rows);
    NDScope.unregister(cs[0], cs[1]);
    return new AttentionInputs(cs[0], cs[1], null);
  }

  private static void close(AttentionInputs segment) {
    if (segment != null) {
      segment.cos().close();
      segment.sin().close();
    }
  }

  /** Logits at each sequence's last prompt token. */
  private float[][] lastLogits(NDManager m, NDArray h, Sequence[] seqs) {
    long stride = h.getShape().get(1);
    long[] last = new long[seqs.length];
    for (int s = 0; s < seqs.length; s++) {
      last[s] = s * stride + seqs[s].orig.length - 1;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      long hidden = h.getShape().get(2);
      NDArray rows = h.reshape(seqs.length * stride, hidden).get(new NDIndex("{}", m.create(last)));
      float[] flat = model.logits(rows).toFloatArray();
      int vocab = flat.length / seqs.length;
      float[][] out = new float[seqs.length][];
      for (int s = 0; s < seqs.length; s++) {
        out[s] = Arrays.copyOfRange(flat, s * vocab, (s + 1) * vocab);
      }
      return out;
    }
  }

  /**
   * (b, 1, 1, columns + room) additive mask hiding each sequence's padding columns [real, columns)
   * of a layer's cache; null when no sequence is padded (a single sequence never is).
   */
  private static NDArray paddingMask(NDManager m, int[] real, long columns, int room) {
    if (Arrays.stream(real).allMatch(r -> r == columns)) {
      return null;
    }
    long width = columns + room;
    float[] mask = new float[(int) (real.length * width)];
    for (int s = 0; s < real.length; s++) {
      Arrays.fill(
          mask, (int) (s * width + real[s]), (int) (s * width + columns), Float.NEGATIVE_INFINITY);
    }
    return m.create(mask, new Shape(real.length, 1, 1, width));
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

  /*
   * The drop bookkeeping below runs a few times per generation, so for the first hundreds of generations it runs in
   * the interpreter: plain loops, no streams (a stream pipeline per drop cost ~0.5 ms there).
   */

  /** Rows of the alive vision tokens. */
  private static long[] rowsWhere(long[] orig, boolean[] isVision) {
    long[] rows = new long[countVision(orig, isVision)];
    for (int i = 0, j = 0; i < orig.length; i++) {
      if (isVision[(int) orig[i]]) {
        rows[j++] = i;
      }
    }
    return rows;
  }

  private static int countVision(long[] orig, boolean[] isVision) {
    int count = 0;
    for (long position : orig) {
      count += isVision[(int) position] ? 1 : 0;
    }
    return count;
  }

  /** Rows to keep: every text token plus the kept vision positions ({@code kept} ascending). */
  private static long[] keptRows(long[] orig, boolean[] isVision, long[] kept) {
    long[] rows = new long[orig.length - countVision(orig, isVision) + kept.length];
    int j = 0;
    for (int i = 0; i < orig.length; i++) {
      if (!isVision[(int) orig[i]] || Arrays.binarySearch(kept, orig[i]) >= 0) {
        rows[j++] = i;
      }
    }
    if (j != rows.length) {
      throw new IllegalStateException(
          "kept positions " + Arrays.toString(kept) + " are not all alive vision tokens");
    }
    return rows;
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
