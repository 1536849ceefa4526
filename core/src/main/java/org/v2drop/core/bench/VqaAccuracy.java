package org.v2drop.core.bench;

import java.util.List;

/**
 * VQA accuracy: mean over i of {@code min(1, #{j != i : gt_j == pred} / 3)} on EvalAI-normalised
 * answers.
 */
public final class VqaAccuracy {
  private VqaAccuracy() {}

  /** Score of a raw prediction against raw ground-truth answers; 0 when there are none. */
  public static double score(String prediction, List<String> answers) {
    if (answers.isEmpty()) {
      return 0;
    }
    String pred = EvalAiNormalizer.normalize(prediction);
    List<String> gts = answers.stream().map(EvalAiNormalizer::normalize).toList();
    double sum = 0;
    for (int i = 0; i < gts.size(); i++) {
      int matches = 0;
      for (int j = 0; j < gts.size(); j++) {
        if (j != i && gts.get(j).equals(pred)) {
          matches++;
        }
      }
      sum += Math.min(1.0, matches / 3.0);
    }
    return sum / gts.size();
  }
}
