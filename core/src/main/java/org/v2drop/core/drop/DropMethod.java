package org.v2drop.core.drop;

import java.util.Arrays;
import java.util.List;

/** The dropping methods and how each ranks the alive vision tokens. */
public enum DropMethod {
  VANILLA("vanilla"),
  V2DROP("v2drop"),
  FASTV("fastv"),
  PDROP("pdrop"),
  RANDOM("random");

  private final String id;

  DropMethod(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static DropMethod byId(String id) {
    for (DropMethod m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    return null;
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(DropMethod::id).toList();
  }

  /** The policy that ranks tokens for this method. */
  public DropPolicy policy() {
    return switch (this) {
      case VANILLA ->
          (view, keep) -> {
            throw new IllegalStateException("vanilla never drops");
          };
      case V2DROP -> new V2DropPolicy();
      case FASTV -> new AttentionPolicy(AttentionSource.PREVIOUS_LAYER);
      case PDROP -> new AttentionPolicy(AttentionSource.THIS_LAYER);
      case RANDOM -> new RandomPolicy();
    };
  }

  /**
   * PyramidDrop renumbers positions contiguously after each drop; all others keep original position
   * ids.
   */
  public PositionRule positionRule() {
    return this == PDROP ? PositionRule.RENUMBER : PositionRule.KEEP_ORIGINAL;
  }
}
