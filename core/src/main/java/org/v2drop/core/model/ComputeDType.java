package org.v2drop.core.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The floating-point type a model's weights are held in and its kernels run in. {@code float16}
 * follows HF transformers' half-precision numerics where HF upcasts (norm statistics, rotary tables
 * computed in float32, softmax inside the fused attention kernel, logits handed to greedy search in
 * float32); the drop policies score in float32 from the float16 hidden states. {@code bfloat16} is
 * refused: DJL 0.36's PyTorch JNI has no bfloat16 type (creating such an array aborts the JVM).
 */
public enum ComputeDType {
  FLOAT32("float32", DataType.FLOAT32),
  FLOAT16("float16", DataType.FLOAT16);

  /** The accepted spellings, for help texts and errors. */
  public static final String CHOICES = "auto, float32, float16";

  private final String label;
  private final DataType dataType;

  ComputeDType(String label, DataType dataType) {
    this.label = label;
    this.dataType = dataType;
  }

  /** The name used in sweeps, CLI flags and report columns: float32 or float16. */
  public String label() {
    return label;
  }

  /** DJL's type of the model's arrays. */
  public DataType dataType() {
    return dataType;
  }

  /** Bytes per element. */
  public int bytes() {
    return dataType.getNumOfBytes();
  }

  @Override
  public String toString() {
    return label;
  }

  /**
   * Parses {@code text} ({@value #CHOICES}; fp32/fp16/half as aliases) for {@code device}: auto is
   * float16 on a GPU and float32 on a CPU (where half-precision kernels run far slower).
   *
   * @param where names the setting in error messages (a sweep file's model entry, a CLI flag)
   * @throws IllegalArgumentException naming {@code where} for bfloat16 or an unknown name
   */
  public static ComputeDType parse(String text, Device device, String where) {
    String t = text == null ? "auto" : text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "auto":
        return device.isGpu() ? FLOAT16 : FLOAT32;
      case "float32":
      case "fp32":
        return FLOAT32;
      case "float16":
      case "fp16":
      case "half":
        return FLOAT16;
      case "bfloat16":
      case "bf16":
        throw new IllegalArgumentException(
            where
                + ": dtype '"
                + text
                + "' is not supported: DJL 0.36's PyTorch engine has no bfloat16 type; use"
                + " float16 (a bfloat16 checkpoint loads into float16 with a range check) or"
                + " float32");
      default:
        throw new IllegalArgumentException(
            where + ": unknown dtype '" + text + "'; expected one of " + CHOICES);
    }
  }

  /** Checks a dtype name without a device (auto stays unresolved); returns it normalised. */
  public static String check(String text, String where) {
    String t = text == null ? "auto" : text.trim().toLowerCase(Locale.ROOT);
    return t.equals("auto") ? t : parse(t, Device.cpu(), where).label();
  }
}
