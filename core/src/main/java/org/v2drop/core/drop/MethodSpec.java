package org.v2drop.core.drop;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed method spec: {@code vanilla}, {@code <method>@<layer>:<ratio>[,...]}, {@code
 * <method>@<preset>}, {@code <method>@<named budget>} ({@link Budget#NAMED}) or {@code
 * <method>@budget:<tokens | percent%>}.
 *
 * <p>Parsing checks everything that does not depend on the model; {@link #schedule(int)} checks the
 * layers against the model's depth and expands presets.
 *
 * @param text the spec as given
 * @param preset the preset, or null
 * @param budget the budget, or null ({@link PaperSchedule#atBudget} places the stages)
 * @param stages explicit stages (empty for vanilla, a preset or a budget)
 */
public record MethodSpec(
    String text, DropMethod method, Preset preset, Budget budget, List<Stage> stages) {
  /** The prefix of a budget spec: {@code v2drop@budget:192}, {@code fastv@budget:40%}. */
  public static final String BUDGET = "budget:";

  /** Parses {@code spec}; throws {@link MethodSpecException} naming the problem. */
  public static MethodSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new MethodSpecException(String.valueOf(spec), "empty");
    }
    String s = spec.trim();
    int at = s.indexOf('@');
    String name = at < 0 ? s : s.substring(0, at);
    DropMethod method = DropMethod.byId(name);
    if (method == null) {
      throw new MethodSpecException(spec, "unknown method '" + name + "'");
    }
    if (method == DropMethod.VANILLA) {
      if (at >= 0) {
        throw new MethodSpecException(spec, "vanilla takes no schedule");
      }
      return new MethodSpec(s, method, null, null, List.of());
    }
    if (at < 0 || at == s.length() - 1) {
      throw new MethodSpecException(spec, method.id() + " needs a schedule after '@'");
    }
    String rest = s.substring(at + 1);
    if (rest.startsWith(BUDGET)) {
      try {
        return new MethodSpec(
            s, method, null, Budget.parse(rest.substring(BUDGET.length())), List.of());
      } catch (IllegalArgumentException e) {
        throw new MethodSpecException(spec, e.getMessage());
      }
    }
    Budget named = Budget.named(rest);
    if (named != null) {
      return new MethodSpec(s, method, null, named, List.of());
    }
    Preset preset = Preset.byId(rest);
    if (preset != null) {
      if (method == DropMethod.FASTV) {
        throw new MethodSpecException(spec, "fastv drops once; use fastv@<layer>:<ratio>");
      }
      return new MethodSpec(s, method, preset, null, List.of());
    }
    List<Stage> stages = new ArrayList<>();
    for (String part : rest.split(",", -1)) {
      String[] lr = part.split(":", -1);
      if (lr.length != 2) {
        throw new MethodSpecException(
            spec, "stage '" + part + "' is not <layer>:<ratio> and '" + rest + "' is not a preset");
      }
      int layer;
      double ratio;
      try {
        layer = Integer.parseInt(lr[0].trim());
      } catch (NumberFormatException e) {
        throw new MethodSpecException(spec, "layer '" + lr[0] + "' is not an integer");
      }
      try {
        ratio = Double.parseDouble(lr[1].trim());
      } catch (NumberFormatException e) {
        throw new MethodSpecException(spec, "ratio '" + lr[1] + "' is not a number");
      }
      if (layer < 1) {
        throw new MethodSpecException(
            spec, "layer " + layer + " must be >= 1 (layer 0 has no previous layer)");
      }
      if (!(ratio >= 0 && ratio <= 1)) {
        throw new MethodSpecException(spec, "ratio " + lr[1].trim() + " is outside [0, 1]");
      }
      if (!stages.isEmpty() && layer <= stages.get(stages.size() - 1).layer()) {
        throw new MethodSpecException(spec, "layers must be strictly increasing");
      }
      stages.add(new Stage(layer, ratio));
    }
    if (method == DropMethod.FASTV && stages.size() != 1) {
      throw new MethodSpecException(spec, "fastv drops once; give exactly one <layer>:<ratio>");
    }
    return new MethodSpec(s, method, null, null, List.copyOf(stages));
  }

  /** The expanded schedule for a model with {@code numLayers} decoder layers. */
  public DropSchedule schedule(int numLayers) {
    if (method == DropMethod.VANILLA) {
      return DropSchedule.NONE;
    }
    try {
      if (preset != null) {
        return preset.scaledTo(numLayers);
      }
      if (budget != null) {
        return PaperSchedule.atBudget(method, budget, numLayers);
      }
    } catch (IllegalArgumentException e) {
      throw new MethodSpecException(text, e.getMessage());
    }
    for (Stage st : stages) {
      if (st.layer() >= numLayers) {
        throw new MethodSpecException(
            text,
            "layer "
                + st.layer()
                + " is out of range [1, "
                + numLayers
                + ") for a model with "
                + numLayers
                + " decoder layers");
      }
    }
    return new DropSchedule(stages);
  }

  /** {@code method@stages} with the expanded schedule (what reports record). */
  public String expanded(int numLayers) {
    DropSchedule s = schedule(numLayers);
    return method == DropMethod.VANILLA ? "vanilla" : method.id() + "@" + s;
  }
}
