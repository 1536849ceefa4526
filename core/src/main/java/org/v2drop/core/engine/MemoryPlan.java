package org.v2drop.core.engine;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Locale;
import org.v2drop.core.checkpoint.CheckpointFiles;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.TensorInfo;
import org.v2drop.core.checkpoint.TextConfig;
import org.v2drop.core.checkpoint.WeightLayout;
import org.v2drop.core.model.ComputeDType;

/**
 * The memory a model will need, computed before a byte of weights is read: the weights at the
 * compute dtype (from the safetensors headers), the KV cache of the workload's longest batch, and
 * the largest prefill layer's activations plus float32 logits. Loading is refused when the device
 * cannot hold it, naming each part and what the device has ({@link DeviceMemory}).
 *
 * @param weightBytes every tensor the model reads, at the compute dtype
 * @param kvCacheBytes keys and values of every decoder layer for the workload
 * @param activationBytes one prefill layer's intermediates for the whole batch, plus the logits
 */
public record MemoryPlan(
    long weightBytes,
    long kvCacheBytes,
    long activationBytes,
    Workload workload,
    ComputeDType dtype) {

  /**
   * What the model will be asked to run at most at once.
   *
   * @param sequences samples generated together (the batch size)
   * @param promptTokens the longest prompt, image tokens included
   * @param newTokens generated tokens per sample
   */
  public record Workload(int sequences, int promptTokens, int newTokens) {
    public Workload {
      if (sequences < 1 || promptTokens < 1 || newTokens < 0) {
        throw new IllegalArgumentException(
            "a workload needs sequences >= 1, prompt tokens >= 1 and new tokens >= 0, found "
                + this);
      }
    }

    /**
     * The planning assumption when only the model is known: {@code sequences} prompts of {@code
     * images} images and 1,024 text tokens, generating 64 tokens.
     */
    public static Workload typical(LlavaConfig c, int sequences, int images) {
      return new Workload(sequences, images * c.tokensPerImage() + 1024, 64);
    }
  }

  /** Refused: the device cannot hold the plan. */
  public static final class InsufficientMemoryException extends RuntimeException {
    InsufficientMemoryException(String message) {
      super(message);
    }
  }

  public long totalBytes() {
    return weightBytes + kvCacheBytes + activationBytes;
  }

  /** The plan for {@code config}'s checkpoint in {@code dir} at {@code dtype}. */
  public static MemoryPlan of(Path dir, LlavaConfig config, ComputeDType dtype, Workload w) {
    return of(dir, WeightLayout::canonical, config.text(), dtype, w);
  }

  /**
   * The plan for a checkpoint in {@code dir} whose model uses the tensors {@code canonical} names
   * and whose decoder is {@code t}.
   */
  public static MemoryPlan of(
      Path dir,
      java.util.function.Function<String, java.util.Optional<String>> canonical,
      TextConfig t,
      ComputeDType dtype,
      Workload w) {
    long weights = 0;
    for (TensorInfo info : CheckpointFiles.tensors(dir).values()) {
      if (canonical.apply(info.name()).isPresent()) {
        weights += info.numel() * dtype.bytes();
      }
    }
    long tokens = (long) w.promptTokens() + w.newTokens();
    long kv =
        2L
            * t.numHiddenLayers()
            * w.sequences()
            * t.numKeyValueHeads()
            * t.headDim()
            * tokens
            * dtype.bytes();
    long perToken =
        (long) t.hiddenSize() * 4 // input, normed, attention output, residual
            + (long) (t.numAttentionHeads() + 2 * t.numKeyValueHeads()) * t.headDim() // q, k, v
            + 3L * t.intermediateSize(); // gate, up, activation
    long activations =
        (long) w.sequences() * w.promptTokens() * perToken * dtype.bytes()
            + (long) w.sequences() * t.vocabSize() * 4;
    return new MemoryPlan(weights, kv, activations, w, dtype);
  }

  /**
   * Refuses (naming each part and the device's figures) unless {@code device} can hold it; on a CPU
   * the weights must also fit the JVM's direct memory.
   */
  public void check(Device device, String model) {
    if (!device.isGpu() && weightBytes > DeviceMemory.directHeadroom()) {
      System.gc(); // direct buffers of closed models are returned only when collected
      long direct = DeviceMemory.directHeadroom();
      if (weightBytes > direct) {
        throw new InsufficientMemoryException(
            model
                + ": its weights take "
                + DeviceMemory.mb(weightBytes)
                + " in "
                + dtype
                + " but the JVM may reserve only "
                + DeviceMemory.mb(direct)
                + " more direct memory, where weights live on a CPU; raise"
                + " -XX:MaxDirectMemorySize (V2DROP_JAVA_OPTS, spark.executor.extraJavaOptions)");
      }
    }
    check(DeviceMemory.availableBytes(device), DeviceMemory.describe(device), model);
  }

  /** The decision itself, given what the device has ({@code available} < 0: unknown, allowed). */
  void check(long available, String deviceFigures, String model) {
    if (available >= 0 && totalBytes() > available) {
      throw new InsufficientMemoryException(
          model
              + ": needs "
              + DeviceMemory.mb(totalBytes())
              + " in "
              + dtype
              + " ("
              + describe()
              + ") but "
              + deviceFigures
              + (dtype == ComputeDType.FLOAT32
                  ? "; float16 halves the weights (--dtype float16, or dtype: float16 in the sweep)"
                  : "; a smaller batch or shorter prompts lower the KV cache"));
    }
  }

  /** The parts, for messages and logs. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "weights %s, KV cache %s for %d x %d tokens, activations %s",
        DeviceMemory.mb(weightBytes),
        DeviceMemory.mb(kvCacheBytes),
        workload.sequences(),
        workload.promptTokens() + workload.newTokens(),
        DeviceMemory.mb(activationBytes));
  }
}
