package org.v2drop.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.bench.ChatTemplate;
import org.v2drop.core.bench.Prompt;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.Generator;
import org.v2drop.core.model.VlModel;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.processor.TextTokenizer;
import org.v2drop.core.processor.Visual;

/**
 * What every family's {@link Engine} shares: generation through one {@link Generator} over the
 * family's {@link VlModel}, decoding with its tokenizer, its chat template, and closing both. A
 * family adds its encoding of prompts and images.
 */
public abstract class ModelEngine implements Engine {
  private final VlModel model;
  private final TextTokenizer tokenizer;
  private final Generator generator;
  private final ChatTemplate chatTemplate;

  protected ModelEngine(VlModel model, TextTokenizer tokenizer, ChatTemplate chatTemplate) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.generator = new Generator(model);
    this.chatTemplate = chatTemplate;
  }

  /** How this model's prompts wrap a task's question (the family's lmms-eval conversation). */
  @Override
  public final ChatTemplate chatTemplate() {
    return chatTemplate;
  }

  public VlModel model() {
    return model;
  }

  /**
   * A benchmark prompt (its encoded images and video frames decoded here; errors name the sample,
   * the image or the frame) → model input, through the family's {@link #encode(String, List, List,
   * String)}.
   */
  @Override
  public EncodedInput encode(Prompt prompt, String sampleId) {
    List<RgbImage> images = new ArrayList<>();
    for (int k = 0; k < prompt.images().size(); k++) {
      images.add(prompt.images().get(k).rgb(prompt.source() + " image " + k));
    }
    List<List<RgbImage>> videos = new ArrayList<>();
    for (int v = 0; v < prompt.videos().size(); v++) {
      List<RgbImage> frames = new ArrayList<>();
      List<Visual> video = prompt.videos().get(v);
      for (int f = 0; f < video.size(); f++) {
        frames.add(video.get(f).rgb(prompt.source() + " video " + v + " frame " + f));
      }
      videos.add(frames);
    }
    return encode(prompt.text(), images, videos, sampleId);
  }

  /** Greedy generation with the method's dropping. */
  @Override
  public Generation generate(EncodedInput input, MethodSpec method, int maxNewTokens) {
    return generator.generate(input, method, maxNewTokens);
  }

  /**
   * Greedy generation for several inputs at once, each with its own dropping (answers equal
   * one-at-a-time generation up to floating-point summation order); results in input order, times
   * per sample.
   */
  @Override
  public List<Generation> generate(List<EncodedInput> inputs, MethodSpec method, int maxNewTokens) {
    return generator.generate(inputs, method, maxNewTokens, true);
  }

  /** Exactly {@code newTokens} decode steps, EOS or not (for timing). */
  @Override
  public Generation generateFixed(EncodedInput input, MethodSpec method, int newTokens) {
    return generator.generate(input, method, newTokens, false);
  }

  /** Text of generated ids, special tokens skipped. */
  @Override
  public String decode(long[] ids) {
    return tokenizer.decode(ids);
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
