package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.testing.Fixtures;

/** Hundreds of generations leave no NDArray behind, and the arrays alive during decoding do not grow per step. */
class MemoryIT {
  @Test
  void liveArraysStayFlatOver500Generations() {
    String[] methods = {"vanilla", "v2drop@2:0.5,4:0.25", "fastv@2:0.5", "pdrop@1:0.5,3:0.5,5:0.5", "random@2:0.3"};
    try (LlavaEngine engine = LlavaEngine.load(Fixtures.dir("tiny-llava-a"), Device.cpu())) {
      EncodedInput input = BadInputIT.encode(engine, "tiny-llava-a");
      int weights = engine.model().liveModelArrays();
      assertTrue(weights > 50, "weights are counted: " + weights);
      for (int i = 0; i < 500; i++) {
        Generation g = engine.generate(input, MethodSpec.parse(methods[i % methods.length]), 6);
        assertEquals(6, g.tokens().length);
        assertEquals(g.liveArraysAfterPrefill(), g.liveArraysAtEnd(),
            "arrays alive during decoding grew from prefill to the last step in generation " + i);
        if (i % 50 == 0 || i == 499) {
          assertEquals(weights, engine.model().liveModelArrays(), "live NDArrays after generation " + i);
        }
      }
    }
  }
}
