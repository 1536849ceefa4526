package org.v2drop.core.checkpoint;

import java.util.Optional;

/** Safetensors element types the engine can widen to fp32. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** Parses a safetensors dtype code; empty for codes we do not load (I64, F64, F8_E4M3, ...). */
  public static Optional<DType> parse(String code) {
    for (DType d : values()) {
      if (d.name().equals(code)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** Element size of any safetensors dtype code (for validating spans), or -1 if unknown. */
  public static int sizeOf(String code) {
    switch (code) {
      case "F64":
      case "I64":
      case "U64":
        return 8;
      case "F32":
      case "I32":
      case "U32":
        return 4;
      case "F16":
      case "BF16":
      case "I16":
      case "U16":
        return 2;
      case "I8":
      case "U8":
      case "BOOL":
      case "F8_E4M3":
      case "F8_E5M2":
        return 1;
      default:
        return -1;
    }
  }
}
