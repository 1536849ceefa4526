package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.processor.EncodedInput;

/**
 * LLaVA's vision side: the CLIP tower and the projector, every image giving {@code tokensPerImage}
 * features.
 */
public final class LlavaVision implements VisionEncoder {
  private final LlavaConfig config;
  private final ComputeDType dtype;
  private final VisionTower vision;
  private final Projector projector;
  private final TorchVision.Tower tower; // the tower's and projector's weights for the fused call

  LlavaVision(
      LlavaConfig config,
      ComputeDType dtype,
      VisionWeights vision,
      ProjectorWeights projector,
      NDManager manager) {
    this.config = config;
    this.dtype = dtype;
    this.vision = new VisionTower(config, vision);
    this.projector = new Projector(projector, config.projectorHiddenAct());
    this.tower = new TorchVision.Tower(config, vision, projector, manager);
  }

  /**
   * Projected image features.
   *
   * @param pixels (images, channels, size, size)
   * @return (images * tokensPerImage, textHidden)
   */
  public NDArray imageFeatures(NDArray pixels) {
    NDArray feats =
        projector.project(vision.features(pixels)); // (images, tokensPerImage, textHidden)
    Shape s = feats.getShape();
    return feats.reshape(s.get(0) * s.get(1), s.get(2));
  }

  /**
   * Each input's projected image features, all images of the batch through the vision tower at once
   * (HF's get_image_features), owned by {@code m}: as one TorchScript call ({@link
   * TorchVision#features}) when {@code fused}, else as the readable DJL calls ({@link
   * #imageFeatures(NDArray)}); the results are equal (FusedVisionIT).
   *
   * @return per input (images * tokensPerImage, textHidden), or null for an input without images
   */
  @Override
  public NDArray[] features(NDManager m, List<EncodedInput> inputs, boolean fused) {
    NDArray[] out = new NDArray[inputs.size()];
    int images = 0;
    EncodedInput first = null;
    for (EncodedInput in : inputs) {
      if (in.numImages() == 0) {
        continue;
      }
      images += in.numImages();
      first = first == null ? in : first;
      if (in.imageHeight() != first.imageHeight() || in.imageWidth() != first.imageWidth()) {
        throw new IllegalArgumentException(
            "a batch needs images of one size: "
                + in.sampleId()
                + " has "
                + in.imageHeight()
                + "x"
                + in.imageWidth());
      }
    }
    if (images == 0) {
      return out;
    }
    float[] pixels = new float[inputs.stream().mapToInt(in -> in.pixelValues().length).sum()];
    int offset = 0;
    for (EncodedInput in : inputs) {
      System.arraycopy(in.pixelValues(), 0, pixels, offset, in.pixelValues().length);
      offset += in.pixelValues().length;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      // (images * tokensPerImage, textHidden)
      NDArray in =
          Ops.into(
              m.create(pixels, new Shape(images, 3, first.imageHeight(), first.imageWidth())),
              dtype.dataType());
      NDArray all = fused ? TorchVision.features(tower, in) : imageFeatures(in);
      long row = 0;
      for (int s = 0; s < out.length; s++) {
        long n = (long) inputs.get(s).numImages() * config.tokensPerImage();
        if (n > 0) {
          out[s] = all.get(new NDIndex(row + ":" + (row + n) + ", :")); // (n, textHidden)
          NDScope.unregister(out[s]);
        }
        row += n;
      }
    }
    return out;
  }

  @Override
  public void close() {
    tower.close();
  }
}
