package org.v2drop.core.drop;

/** A method spec string does not follow the grammar or does not fit the model. */
public class MethodSpecException extends IllegalArgumentException {
  private final String problem;

  public MethodSpecException(String spec, String problem) {
    super(
        "invalid method spec '"
            + spec
            + "': "
            + problem
            + " (grammar: vanilla | <method>@<layer>:<ratio>[,...] | <method>@<preset> | "
            + "<method>@budget:<tokens of 576 | percent%>; methods: "
            + String.join(", ", DropMethod.names())
            + "; presets: "
            + String.join(", ", Preset.names())
            + ")");
    this.problem = problem;
  }

  /** What is wrong, without the spec and the grammar. */
  public String problem() {
    return problem;
  }
}
