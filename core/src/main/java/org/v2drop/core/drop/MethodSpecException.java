package org.v2drop.core.drop;

/** A method spec string does not follow the grammar or does not fit the model. */
public class MethodSpecException extends IllegalArgumentException {
  public MethodSpecException(String spec, String problem) {
    super(
        "invalid method spec '"
            + spec
            + "': "
            + problem
            + " (grammar: vanilla | <method>@<layer>:<ratio>[,...] | "
            + "<method>@<preset>; methods: "
            + String.join(", ", DropMethod.names())
            + "; presets: "
            + String.join(", ", Preset.names())
            + ")");
  }
}
