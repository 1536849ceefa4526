package org.v2drop.core.checkpoint;

/**
 * Rotary position embedding parameters of the text model.
 *
 * @param type "default", "linear" or "llama3"
 * @param theta base of the inverse frequencies
 * @param factor scaling factor (linear, llama3)
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param originalMaxPositionEmbeddings llama3 only
 */
public record RopeConfig(
    String type,
    double theta,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositionEmbeddings) {
  public RopeConfig {
    if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
      throw new CheckpointException(
          "unsupported rope type '" + type + "'; supported: default, linear, llama3");
    }
    if (!(theta > 0)) {
      throw new CheckpointException("rope_theta must be positive, found " + theta);
    }
    if (!type.equals("default") && !(factor > 0)) {
      throw new CheckpointException(
          "rope factor must be positive for type " + type + ", found " + factor);
    }
    if (type.equals("llama3")
        && (originalMaxPositionEmbeddings <= 0 || !(highFreqFactor > lowFreqFactor))) {
      throw new CheckpointException(
          "llama3 rope needs original_max_position_embeddings > 0 and high_freq_factor > "
              + "low_freq_factor");
    }
  }

  public static RopeConfig plain(double theta) {
    return new RopeConfig("default", theta, 1.0, 0, 0, 0);
  }
}
