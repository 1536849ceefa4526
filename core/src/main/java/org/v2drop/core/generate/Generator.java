package org.v2drop.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.drop.DropMethod;
import org.v2drop.core.drop.DropPolicy;
import org.v2drop.core.drop.DropSchedule;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.drop.PositionRule;
import org.v2drop.core.drop.Stage;
import org.v2drop.core.model.AttentionInputs;
import org.v2drop.core.model.DecoderLayer;
import org.v2drop.core.model.KvCache;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.processor.EncodedInput;

/**
 * Greedy generation with vision-token dropping, for one sequence or a batch, in three phases: the
 * vision tower; prefill, which runs the decoder layer by layer and consults the method's {@link
 * DropPolicy} for each sequence at each scheduled boundary; decode, which extends per-layer KV
 * caches whose lengths reflect the drops. One NDManager per call; one NDScope per layer step and
 * per decode step.
 *
 * <p>A batch holds sequences of different lengths, and each keeps its own tokens at each drop, so
 * they stay ragged ({@link RaggedBatch}). Each sequence keeps its own position ids. A sequence's
 * answer does not depend on the others in its batch beyond floating-point summation order.
 */
public final class Generator {
  /**
   * Whether the vision tower and decoder run as TorchScript calls (one for a batch's images, one
   * per run of prefill layers between two drops, one per decode step: {@link
   * VlModel#imageFeatures}, {@link VlModel#prefillLayers}, {@link VlModel#decodeToken}; the
   * default) or as the readable DJL calls ({@link DecoderLayer#forward} and the tower's): {@code
   * -Dv2drop.decoder.fused=false}, for comparisons. Both give the same results.
   */
  public static final String FUSED_PROPERTY = "v2drop.decoder.fused";

  private static volatile LongSupplier nativeCalls; // null: not counted

  private final VlModel model;
  private final RopeTables rope;
  private final boolean fused; // the decoder's calls
  private final boolean fusedVision;

  /**
   * Records in each {@link Generation} how many calls into PyTorch its prefill and decode made,
   * read from {@code counter} (a count of calls so far in this JVM; {@code bench
   * --count-native-calls}).
   */
  public static void countNativeCalls(LongSupplier counter) {
    nativeCalls = counter;
  }

  private static long nativeCalls() {
    LongSupplier c = nativeCalls;
    return c == null ? -1 : c.getAsLong();
  }

  public Generator(VlModel model) {
    this(model, Boolean.parseBoolean(System.getProperty(FUSED_PROPERTY, "true")));
  }

  /**
   * A generator whose vision encoder and decoder layers run fused or not (see {@link
   * #FUSED_PROPERTY}); a decoder without fused calls ({@link VlModel#supportsFused}) runs its
   * readable layers either way.
   */
  public Generator(VlModel model, boolean fused) {
    this.model = model;
    this.fused = fused && model.supportsFused();
    this.fusedVision = fused;
    this.rope =
        new RopeTables(model.ropeFrequencies(), model.mropeRows(), model.dtype().dataType());
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
    int numLayers = model.text().numHiddenLayers();
    DropSchedule schedule = method.schedule(numLayers);
    PositionRule rule = positionRule(method.method());
    Sequence[] seqs = new Sequence[inputs.size()];
    for (int s = 0; s < seqs.length; s++) {
      seqs[s] = new Sequence(inputs.get(s), numLayers, maxNewTokens);
    }
    try (NDManager m = model.newGenerationManager()) {
      long c0 = nativeCalls();
      long t0 = System.nanoTime();
      NDArray[] features =
          model.imageFeatures(
              m, inputs, fusedVision); // per sequence (vision tokens, hidden), or null
      long t1 = System.nanoTime();
      long c1 = nativeCalls();
      long c2;
      long t2;
      int liveAfterPrefill;
      double[] layerMs;
      try (VlModel.FusedState state =
          fused ? model.newFusedState(m, reach(seqs, maxNewTokens)) : null) {
        Prefilled prefilled =
            prefill(m, seqs, features, schedule, method.method(), rule, maxNewTokens, state);
        c2 = nativeCalls();
        t2 = System.nanoTime();
        liveAfterPrefill = m.getManagedArrays().size();
        layerMs = prefilled.layerMs;
        decode(m, seqs, prefilled, rule, stopAtEos, maxNewTokens, state);
      }
      long c3 = nativeCalls();
      long t3 = System.nanoTime();
      int liveAtEnd = m.getManagedArrays().size();
      String expanded =
          method.method() == DropMethod.VANILLA ? "vanilla" : method.method().id() + "@" + schedule;
      int b = seqs.length;
      List<Generation> out = new ArrayList<>(b);
      for (Sequence seq : seqs) {
        out.add(
            seq.generation(
                expanded,
                model.text(),
                ms(t0, t1) / b,
                ms(t1, t2) / b,
                ms(t2, t3) / b,
                layerMs,
                liveAfterPrefill,
                liveAtEnd,
                c1 < 0 ? -1 : c1 - c0,
                c1 < 0 ? -1 : c2 - c1,
                c1 < 0 ? -1 : c3 - c2));
      }
      return out;
    }
  }

  /**
   * What prefill leaves for decoding.
   *
   * @param caches per layer, (b, kvHeads, cached, headDim) keys and values
   * @param keyMasks per layer, (b, 1, 1, cached + room) padding mask or null
   * @param next (b) each sequence's first generated token
   * @param layerMs wall time per layer, its drop step included (a batch's time divided by its size)
   * @param cachedPerLayer per layer, each sequence's real (unpadded) prefill tokens in its cache
   * @param prefillColumns per layer, the prefill columns of its cache (the longest sequence's)
   */
  private record Prefilled(
      KvCache[] caches,
      NDArray[] keyMasks,
      long[] next,
      double[] layerMs,
      int[][] cachedPerLayer,
      long[] prefillColumns) {
    /** The key columns outside decode step {@code step}'s sliding windows ({@link WindowCuts}). */
    long[] cuts(int window, int step) {
      return WindowCuts.at(window, cachedPerLayer, prefillColumns, step);
    }
  }

  /**
   * The method's position rule on this model: under M-RoPE (three-row position ids) every method
   * keeps the original ids. Renumbering {@code 0..n-1} on all three rows (PyramidDrop's rule on 1-D
   * RoPE) would erase the images' 2-D positions and change the output even with every token kept,
   * and no reference implementation of PyramidDrop for this RoPE defines another; V²Drop's own
   * Qwen2-VL code keeps the original rows (docs/token-dropping.md).
   */
  private PositionRule positionRule(DropMethod method) {
    return model.mropeRows() == null ? method.positionRule() : PositionRule.KEEP_ORIGINAL;
  }

  /** The first layer after {@code l} that a drop precedes, or {@code numLayers}. */
  private static int nextDrop(DropSchedule schedule, int l, int numLayers) {
    int k = l + 1;
    while (k < numLayers && schedule.at(k) == null) {
      k++;
    }
    return k;
  }

  /**
   * A bound on the position ids of a generation: past the largest prompt position id (any row) and
   * the last decode step's ({@code prompt length + decode delta + new tokens}).
   */
  private static long reach(Sequence[] seqs, int maxNewTokens) {
    long reach = 0;
    for (Sequence seq : seqs) {
      EncodedInput in = seq.input;
      reach = Math.max(reach, in.inputIds().length + in.decodeDelta() + (long) maxNewTokens);
      for (long[] row : in.positionIds()) {
        for (long p : row) {
          reach = Math.max(reach, p + 1 + maxNewTokens);
        }
      }
    }
    return reach;
  }

  /** Position-id rows one after the other (the fused calls' layout). */
  private static long[] flat(long[][] rows) {
    if (rows.length == 1) {
      return rows[0];
    }
    long[] out = new long[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
    }
    return out;
  }

  /**
   * Prefill (spec "V²Drop" 3-5): the prompt through every decoder layer; before each scheduled
   * layer, each sequence's policy keeps some of its alive vision tokens and the batch is gathered
   * down to the survivors. Text tokens are never dropped. Ends with each sequence's first token.
   * With a fused {@code state}, the layers from one drop to the next and the gather before them are
   * one call, which also returns the variation the next drop's policy may read.
   */
  private Prefilled prefill(
      NDManager m,
      Sequence[] seqs,
      NDArray[] features,
      DropSchedule schedule,
      DropMethod method,
      PositionRule rule,
      int maxNewTokens,
      VlModel.FusedState state) {
    int b = seqs.length;
    TextConfig text = model.text();
    int numLayers = text.numHiddenLayers();
    long hidden = text.hiddenSize();
    DropPolicy policy = method.policy();
    List<DecoderLayer> layers = model.layers();
    List<NDArray> embeddings = new ArrayList<>(b);
    for (int s = 0; s < b; s++) {
      embeddings.add(
          model.inputEmbeddings(m, seqs[s].input, features[s], fused)); // (tokens_s, hidden)
    }
    NDArray h =
        RaggedBatch.stack(m, embeddings, hidden); // (b, rows, hidden) the next layer's input
    NDArray prev = null; // (b, rows, hidden) input of the previous layer, the same rows as h
    NDArray variation = null; // (b, rows) ||h - prev|| from a fused call before a drop, or null
    KvCache[] caches = new KvCache[numLayers];
    int[][] cachedPerLayer =
        new int[numLayers][b]; // real (unpadded) cache length of each sequence per layer
    AttentionInputs segment = null; // RoPE tables of the current rows: they change only at a drop
    NDArray lastLogits = null; // (b, vocab) float32 from the last fused call, or null
    double[] layerMs = new double[numLayers];
    // fused: the layers from a drop to the next one are one call; readable: one layer at a time
    for (int l = 0, end; l < numLayers; l = end) {
      end = state != null ? nextDrop(schedule, l, numLayers) : l + 1;
      long layerStart = System.nanoTime();
      for (int k = l; k < end; k++) {
        caches[k] = new KvCache(maxNewTokens - 1); // room for the decode steps: no per-token copy
      }
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Stage stage = schedule.at(l);
        long[][] rows = null; // each sequence's rows of h kept at this boundary
        if (stage != null) {
          BatchBoundary boundary = new BatchBoundary(l, h, prev, variation, layers, rope);
          rows = new long[b][];
          for (int s = 0; s < b; s++) {
            rows[s] = seqs[s].drop(stage, policy, rule, boundary, s);
          }
        }
        NDArray in; // (b, rows', hidden) after this boundary's drop
        NDArray out; // (b, rows', hidden)
        NDArray nextVariation = null;
        if (state != null) {
          long stride = h.getShape().get(1);
          long callRows = rows == null ? stride : RaggedBatch.longest(rows); // after the drop
          long[] positions = l == 0 || rows != null ? flat(segmentPositions(seqs, callRows)) : null;
          VlModel.Prefill r =
              model.prefillLayers(
                  l,
                  h,
                  rows == null ? null : RaggedBatch.gatherIndex(rows, stride),
                  positions,
                  Arrays.copyOfRange(caches, l, end),
                  schedule.at(end) != null,
                  end == numLayers ? lastRowIds(seqs, callRows) : null,
                  state);
          NDScope.unregister(r.out(), r.input());
          out = r.out();
          in = r.input(); // the last layer's input: new arrays, so h is closed
          nextVariation = r.variation();
          if (nextVariation != null) {
            NDScope.unregister(nextVariation);
          }
          if (r.logits() != null) {
            NDScope.unregister(r.logits());
            lastLogits = r.logits();
          }
        } else {
          in = rows == null ? h : RaggedBatch.gather(m, h, rows);
          if (segment == null || stage != null) {
            close(segment);
            segment = prefillInputs(m, seqs, in.getShape().get(1));
          }
          out = layers.get(l).forward(in, segment, caches[l]);
          NDScope.unregister(in, out);
        }
        if (prev != null) {
          prev.close();
        }
        if (variation != null) {
          variation.close();
        }
        if (in != h) {
          h.close();
        }
        prev = in;
        h = out;
        variation = nextVariation;
      }
      double ms = ms(layerStart, System.nanoTime()) / b / (end - l); // a call's layers share it
      for (int k = l; k < end; k++) {
        for (int s = 0; s < b; s++) {
          seqs[s].recordLayer(k);
          cachedPerLayer[k][s] = seqs[s].alive.count();
        }
        layerMs[k] = ms;
      }
    }
    prev.close();
    if (variation != null) {
      variation.close();
    }
    close(segment);
    long[] next = firstTokens(m, h, seqs, lastLogits);
    NDArray[] keyMasks = new NDArray[numLayers];
    long[] prefillColumns = new long[numLayers];
    for (int l = 0; l < numLayers; l++) {
      prefillColumns[l] = caches[l].length();
      keyMasks[l] =
          RaggedBatch.paddingMask(
              m, cachedPerLayer[l], caches[l].length(), maxNewTokens - 1, model.dtype().dataType());
    }
    return new Prefilled(caches, keyMasks, next, layerMs, cachedPerLayer, prefillColumns);
  }

  /**
   * Decode: one token per step for every sequence still running; nothing is dropped, and each layer
   * continues each sequence's own positions (after its prompt, or after its renumbered tokens).
   */
  private void decode(
      NDManager m,
      Sequence[] seqs,
      Prefilled prefilled,
      PositionRule positions,
      boolean stopAtEos,
      int maxNewTokens,
      VlModel.FusedState state) {
    long[] next = prefilled.next; // (b)
    if (state != null) {
      state.keyMasks(prefilled.keyMasks);
      decodeFused(seqs, prefilled, positions, stopAtEos, next, state);
      return;
    }
    int b = seqs.length;
    long hidden = model.text().hiddenSize();
    Set<Integer> eos = model.eosTokenIds();
    for (int step = 0; accept(seqs, next, stopAtEos, eos); step++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray x = model.embed(m, next).reshape(b, 1, hidden); // (b, 1, hidden)
        x = readableStep(m, x, seqs, positions, step, prefilled);
        next = model.logits(x.reshape(b, hidden)).argMax(-1).toLongArray();
      }
    }
  }

  /**
   * Hands each sequence its next token (a finished one ignores it); whether any still needs a
   * decode step.
   */
  private static boolean accept(Sequence[] seqs, long[] next, boolean stopAtEos, Set<Integer> eos) {
    boolean running = false;
    for (int s = 0; s < seqs.length; s++) {
      running |= seqs[s].accept(next[s], stopAtEos, eos);
    }
    return running;
  }

  /**
   * Decode with each step one call ({@link VlModel#decodeToken}): each step passes only its tokens
   * and each layer's position ids; the RoPE tables, KV buffers and masks are the state's.
   */
  private void decodeFused(
      Sequence[] seqs,
      Prefilled prefilled,
      PositionRule positions,
      boolean stopAtEos,
      long[] next,
      VlModel.FusedState state) {
    int b = seqs.length;
    int layers = model.layers().size();
    Set<Integer> eos = model.eosTokenIds();
    for (int step = 0; accept(seqs, next, stopAtEos, eos); step++) {
      long[] pos = new long[layers * b]; // layer-major
      for (int l = 0; l < layers; l++) {
        for (int s = 0; s < b; s++) {
          pos[l * b + s] = seqs[s].decodeStart(l, positions) + step;
        }
      }
      next =
          model.decodeToken(
              next,
              pos,
              prefilled.caches,
              state,
              prefilled.cuts(model.text().slidingWindow(), step));
    }
  }

  /** A decode step layer by layer ({@link #layer}), the readable definition of the fused step. */
  private NDArray readableStep(
      NDManager m,
      NDArray x,
      Sequence[] seqs,
      PositionRule positions,
      int step,
      Prefilled prefilled) {
    int b = seqs.length;
    List<DecoderLayer> layers = model.layers();
    long[] cuts = prefilled.cuts(model.text().slidingWindow(), step);
    long[] stepPos = null;
    AttentionInputs stepInputs = null; // the same RoPE for every layer unless positions renumbered
    for (int l = 0; l < layers.size(); l++) {
      long[] pos = new long[b];
      for (int s = 0; s < b; s++) {
        pos[s] = seqs[s].decodeStart(l, positions) + step;
      }
      if (!Arrays.equals(pos, stepPos)) {
        NDArray[] cs = rope.cosSin(m, pos, b, 1); // (b, 1, 1, headDim) each
        stepInputs = new AttentionInputs(cs[0], cs[1], null);
        stepPos = pos;
      }
      long columns = prefilled.prefillColumns[l] + step + 1;
      NDArray mask = prefilled.keyMasks[l]; // (b, 1, 1, cached + room) or null
      if (mask != null) {
        mask = mask.get(new NDIndex().addAllDim(3).addSliceDim(0, columns));
      }
      if (cuts != WindowCuts.NONE) { // the sliding window: a decode query's is in its key mask
        NDArray cut = WindowCuts.mask(m, cuts, l, b, columns, model.dtype().dataType());
        mask = mask == null ? cut : mask.add(cut);
      }
      x = layers.get(l).forward(x, stepInputs.withKeyMask(mask), prefilled.caches[l]);
    }
    return x;
  }

  /**
   * Each sequence's last row {@code s * rows + alive - 1} in a segment of {@code rows} rows, for
   * the last fused call's logits.
   */
  private static long[] lastRowIds(Sequence[] seqs, long rows) {
    long[] last = new long[seqs.length];
    for (int s = 0; s < seqs.length; s++) {
      last[s] = s * rows + seqs[s].alive.count() - 1;
    }
    return last;
  }

  /**
   * Each sequence's top-5 logits at its last prompt token; returns the greedy first tokens (b).
   *
   * @param fusedLogits (b, vocab) float32 computed by the last fused prefill call, or null
   */
  private long[] firstTokens(NDManager m, NDArray h, Sequence[] seqs, NDArray fusedLogits) {
    int[] lengths = new int[seqs.length];
    for (int s = 0; s < seqs.length; s++) {
      lengths[s] = seqs[s].alive.count();
    }
    float[] flat; // (b * vocab)
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      if (fusedLogits != null) {
        NDScope.register(fusedLogits); // closed with this scope
        flat = fusedLogits.toFloatArray();
      } else {
        flat = model.logits(RaggedBatch.lastRows(m, h, lengths)).toFloatArray();
      }
    }
    int vocab = flat.length / seqs.length;
    long[] next = new long[seqs.length];
    for (int s = 0; s < seqs.length; s++) {
      float[] logits = Arrays.copyOfRange(flat, s * vocab, (s + 1) * vocab); // (vocab)
      seqs[s].top5 = TopLogits.of(logits, Math.min(5, vocab));
      next[s] = seqs[s].top5.ids()[0];
    }
    return next;
  }

  /**
   * The RoPE tables (b, 1, rows, headDim) of each sequence's position ids (padding rows take
   * position 0) in a prefill segment of {@code rows} rows, registered with no scope: the segment's
   * layers share them.
   */
  private AttentionInputs prefillInputs(NDManager m, Sequence[] seqs, long rows) {
    NDArray[] cs =
        rope.cosSin(m, segmentPositions(seqs, rows), seqs.length, rows); // (b, 1, rows, headDim)
    NDScope.unregister(cs[0], cs[1]);
    return new AttentionInputs(cs[0], cs[1], null);
  }

  /**
   * The position ids of a prefill segment of {@code rows} rows: (position-id rows, b * rows), each
   * sequence's alive tokens, padding rows at position 0.
   */
  private static long[][] segmentPositions(Sequence[] seqs, long rows) {
    int idRows = seqs[0].alive.positionIds().rows().length;
    long[][] flat = new long[idRows][(int) (seqs.length * rows)];
    for (int s = 0; s < seqs.length; s++) {
      for (int r = 0; r < idRows; r++) {
        long[] ids = seqs[s].alive.positionIds().row(r); // (alive)
        System.arraycopy(ids, 0, flat[r], (int) (s * rows), ids.length);
      }
    }
    return flat;
  }

  private static void close(AttentionInputs segment) {
    if (segment != null) {
      segment.cos().close();
      segment.sin().close();
    }
  }

  /** One sequence's prefill bookkeeping and generated tokens. */
  private static final class Sequence {
    final EncodedInput input;
    final AliveTokens alive;
    final List<KeptStage> stages = new ArrayList<>();
    final int[] visionPerLayer; // (layers) vision tokens alive in each layer
    final int[] tokensPerLayer; // (layers) tokens alive in each layer
    final long[] tokens; // (maxNewTokens) generated, the first count of them
    int count;
    boolean done;
    TopLogits top5;

    Sequence(EncodedInput input, int numLayers, int maxNewTokens) {
      this.input = input;
      int n = input.inputIds().length;
      this.alive =
          new AliveTokens(n, input.visionPositions(), new PositionIds(input.positionIds()));
      this.visionPerLayer = new int[numLayers];
      this.tokensPerLayer = new int[numLayers];
      this.tokens = new long[maxNewTokens];
    }

    /**
     * Asks the policy which vision tokens survive the drop at {@code boundary}; returns the rows to
     * keep.
     */
    long[] drop(
        Stage stage, DropPolicy policy, PositionRule positions, BatchBoundary boundary, int s) {
      long[] visionRows = alive.visionRows(); // (alive vision)
      long[] alivePositions = AliveTokens.select(alive.positions(), visionRows); // (alive vision)
      int keep = stage.keep(alivePositions.length);
      long[] kept = new long[0];
      if (keep > 0) {
        BoundaryView view =
            new BoundaryView(
                boundary,
                s,
                alive.count(),
                input.sampleId(),
                alivePositions,
                visionRows,
                alive.positionIds().rows());
        int[] chosen = policy.select(view, keep);
        kept = new long[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
          kept[i] = alivePositions[chosen[i]];
        }
      }
      stages.add(new KeptStage(boundary.layer, kept));
      return alive.keep(kept, positions);
    }

    void recordLayer(int l) {
      tokensPerLayer[l] = alive.count();
      visionPerLayer[l] = alive.visionCount();
    }

    /**
     * Position id of the first decode step in layer {@code l} (on every row): after the renumbered
     * tokens, or at the cache position of the whole prompt plus the input's decode delta (M-RoPE's
     * {@code rope_deltas}, 0 for 1-D RoPE).
     */
    long decodeStart(int l, PositionRule positions) {
      return positions == PositionRule.RENUMBER
          ? tokensPerLayer[l]
          : input.inputIds().length + input.decodeDelta();
    }

    /** Takes the next token unless finished; returns whether another decode step is needed. */
    boolean accept(long token, boolean stopAtEos, Set<Integer> eos) {
      if (!done) {
        tokens[count++] = token;
        done = (stopAtEos && eos.contains((int) token)) || count == tokens.length;
      }
      return !done;
    }

    Generation generation(
        String schedule,
        TextConfig text,
        double visionMs,
        double prefillMs,
        double decodeMs,
        double[] layerMs,
        int liveAfterPrefill,
        int liveAtEnd,
        long visionCalls,
        long prefillCalls,
        long decodeCalls) {
      double flops = Flops.prefill(text.hiddenSize(), text.intermediateSize(), tokensPerLayer);
      return new Generation(
          Arrays.copyOf(tokens, count),
          schedule,
          List.copyOf(stages),
          visionPerLayer,
          tokensPerLayer,
          top5,
          input.inputIds().length,
          input.visionPositions().length,
          visionMs,
          prefillMs,
          decodeMs,
          layerMs.clone(),
          flops,
          liveAfterPrefill,
          liveAtEnd,
          visionCalls,
          prefillCalls,
          decodeCalls);
    }
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }
}
