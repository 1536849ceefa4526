package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.checkpoint.LlavaConfig;
import org.v2drop.core.checkpoint.VisionConfig;

/**
 * LLaVA's CLIP vision tower and projector as one TorchScript call ({@code vision.pt}, written by
 * {@code tools/make_vision_module.py}): the ops of {@link VisionTower#features} and {@link
 * Projector#project}, in their order, so the images of a batch cost one call into PyTorch instead
 * of about 30 DJL calls per encoder layer. The readable tower stays the definition; FusedVisionIT
 * holds the two equal bit for bit.
 *
 * <p>The weights and settings go in as arguments built once per model ({@link Tower}). The result
 * belongs to the pixels' manager and is an inference tensor (never update it in place, see {@link
 * TorchAttention}).
 */
final class TorchVision {
  static final String RESOURCE = "vision.pt";

  private TorchVision() {}

  /**
   * Projected features of a batch of images.
   *
   * @param pixels (images, channels, size, size) in the compute type
   * @return (images * tokensPerImage, textHidden)
   */
  static NDArray features(Tower t, NDArray pixels) {
    if (!(pixels.getManager() instanceof PtNDManager manager)) {
      throw new IllegalStateException(
          "the fused vision tower needs PyTorch-engine arrays, found "
              + pixels.getManager().getEngine().getEngineName());
    }
    try (IValue in = IValue.from((PtNDArray) pixels);
        IValue out =
            IValueUtils.runMethod(
                Module.INSTANCE,
                "features",
                in,
                t.embed,
                t.weights,
                t.projector,
                t.wanted,
                t.dims,
                t.scale,
                t.eps,
                t.act,
                t.projectorAct,
                t.dropCls)) {
      return out.toTensor(manager);
    }
  }

  /** The tower's and projector's weights and settings as call arguments, made once per model. */
  static final class Tower implements AutoCloseable {
    private final List<NDArray> empties = new ArrayList<>(); // stand-ins for missing biases
    private final IValue embed;
    private final IValue weights;
    private final IValue projector;
    private final IValue wanted;
    private final IValue dims;
    private final IValue scale;
    private final IValue eps;
    private final IValue act;
    private final IValue projectorAct;
    private final IValue dropCls;

    /**
     * @param manager the model's manager (the stand-ins for missing biases live there)
     */
    Tower(LlavaConfig config, VisionWeights v, ProjectorWeights p, NDManager manager) {
      VisionConfig c = config.vision();
      embed =
          TorchDecoder.tensors(
              v.patchT(),
              v.classEmbedding(),
              v.positionEmbedding(),
              v.preNormWeight(),
              v.preNormBias());
      List<NDArray> all = new ArrayList<>();
      for (VisionWeights.Layer l : v.layers()) {
        all.addAll(
            List.of(
                l.norm1Weight(),
                l.norm1Bias(),
                l.qkvT(),
                l.qkvBias(),
                l.outT(),
                l.outBias(),
                l.norm2Weight(),
                l.norm2Bias(),
                l.fc1T(),
                l.fc1Bias(),
                l.fc2T(),
                l.fc2Bias()));
      }
      weights = TorchDecoder.tensors(all.toArray(NDArray[]::new));
      projector =
          TorchDecoder.tensors(
              p.linear1T(), orEmpty(p.bias1(), manager), p.linear2T(), orEmpty(p.bias2(), manager));
      long[] layers = new long[config.visionFeatureLayers().length];
      for (int i = 0; i < layers.length; i++) {
        layers[i] =
            VisionTower.hiddenStateIndex(config.visionFeatureLayers()[i], c.numHiddenLayers());
      }
      wanted = IValue.listFrom(layers);
      dims = IValue.listFrom(c.patchSize(), c.numAttentionHeads());
      scale = IValue.from(VisionTower.attentionScale(c));
      eps = IValue.from((double) VisionTower.layerNormEps(c));
      act = IValue.from(c.hiddenAct());
      projectorAct = IValue.from(config.projectorHiddenAct());
      dropCls = IValue.from(VisionTower.dropsClassToken(config));
    }

    private NDArray orEmpty(NDArray bias, NDManager manager) {
      if (bias != null) {
        return bias;
      }
      NDArray empty = manager.create(new float[0]);
      empties.add(empty);
      return empty;
    }

    @Override
    public void close() {
      for (IValue i :
          new IValue[] {
            embed, weights, projector, wanted, dims, scale, eps, act, projectorAct, dropCls
          }) {
        i.close();
      }
      empties.forEach(NDArray::close);
    }
  }

  /** The module, loaded on first use in a manager that lives as long as the JVM. */
  private static final class Module {
    static final PtSymbolBlock INSTANCE =
        TorchAttention.load(RESOURCE, (PtNDManager) NDManager.newBaseManager("PyTorch"));
  }
}
