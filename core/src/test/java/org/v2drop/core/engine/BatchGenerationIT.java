package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.RgbImage;
import org.v2drop.core.testing.Fixtures;
import org.v2drop.core.testing.Parity;

/**
 * A batch generates what its samples generate one at a time, for every method: the same tokens, the
 * same kept vision tokens at every drop and the same first-token logits, with prompts of different
 * lengths and 0, 1 or 2 images (so the batch is ragged before and after each drop, and decoding
 * reads padded caches).
 */
class BatchGenerationIT {
  private static final String[] PROMPTS = {
    "USER: <image>\nWhat color is the circle? ASSISTANT:",
    "USER: <image>\nIs there a red square to the left of the blue circle in this picture? ASSISTANT:",
    "USER: <image>\n<image>\nWhich frame shows more shapes? ASSISTANT:",
    "USER: Say hello. ASSISTANT:",
    "USER: <image>\nCount. ASSISTANT:",
  };

  @ParameterizedTest
  @ValueSource(
      strings = {
        "vanilla",
        "v2drop@2:0.5,4:0.25",
        "v2drop@2:0",
        "fastv@2:0.5",
        "pdrop@1:0.5,3:0.5,5:0.5",
        "random@2:0.3"
      })
  void batchEqualsOneAtATime(String method) {
    try (LlavaEngine engine = LlavaEngine.load(Fixtures.dir("tiny-llava-a"), Device.cpu())) {
      List<EncodedInput> inputs = inputs(engine);
      MethodSpec spec = MethodSpec.parse(method);
      List<Generation> batch = engine.generate(inputs, spec, 7);
      assertEquals(inputs.size(), batch.size());
      for (int i = 0; i < inputs.size(); i++) {
        Generation one = engine.generate(inputs.get(i), spec, 7);
        Generation b = batch.get(i);
        String where = method + " sample " + i;
        assertArrayEquals(one.tokens(), b.tokens(), where + ": tokens");
        assertEquals(one.stages().size(), b.stages().size(), where + ": drops");
        for (int s = 0; s < one.stages().size(); s++) {
          assertArrayEquals(
              one.stages().get(s).keptPositions(),
              b.stages().get(s).keptPositions(),
              where + ": kept positions at drop " + s);
        }
        assertArrayEquals(
            one.visionTokensPerLayer(),
            b.visionTokensPerLayer(),
            where + ": vision tokens per layer");
        assertArrayEquals(
            one.lastLogitsTop5().ids(), b.lastLogitsTop5().ids(), where + ": top-5 ids");
        Parity.assertAllClose(
            where + ": top-5 logits",
            one.lastLogitsTop5().values(),
            b.lastLogitsTop5().values(),
            1e-4,
            1e-4);
        assertEquals(one.prefillFlops(), b.prefillFlops(), 1e-6, where + ": FLOPs");
      }
    }
  }

  private static List<EncodedInput> inputs(LlavaEngine engine) {
    SplittableRandom rng = new SplittableRandom(11);
    List<EncodedInput> out = new ArrayList<>();
    for (int i = 0; i < PROMPTS.length; i++) {
      List<RgbImage> images = new ArrayList<>();
      for (int k = PROMPTS[i].indexOf("<image>");
          k >= 0;
          k = PROMPTS[i].indexOf("<image>", k + 1)) {
        byte[] px = new byte[40 * 30 * 3];
        for (int j = 0; j < px.length; j++) {
          px[j] = (byte) rng.nextInt(256);
        }
        images.add(new RgbImage(40, 30, px));
      }
      out.add(engine.encode(PROMPTS[i], images, "batch-" + i));
    }
    return out;
  }
}
