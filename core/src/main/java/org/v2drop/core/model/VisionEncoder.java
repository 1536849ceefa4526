package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.v2drop.core.processor.EncodedInput;

/**
 * A model family's vision side: the images (and videos) of a batch of prompts → the features that
 * fill each prompt's vision positions, in the decoder's width. The decoder ({@link VlModel}) and
 * the generator never see how they are made.
 */
public interface VisionEncoder extends AutoCloseable {
  /**
   * Each input's vision features, owned by {@code m}, all the batch's images through the encoder at
   * once (as HF's get_image_features); as fused TorchScript calls when {@code fused} and the
   * encoder has them, else as readable DJL calls, the two equal.
   *
   * @return per input (vision tokens, textHidden) in the order of its vision positions, or null for
   *     an input without images
   */
  NDArray[] features(NDManager m, List<EncodedInput> inputs, boolean fused);

  @Override
  void close();
}
