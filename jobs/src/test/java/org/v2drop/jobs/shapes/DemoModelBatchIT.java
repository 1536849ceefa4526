package org.v2drop.jobs.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.LlavaEngine;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.LlavaConversation;
import org.v2drop.jobs.testing.Repo;

/**
 * A batch in which samples reach EOS at different steps (the demo model answers "yes" in two tokens
 * and lists a scene's objects in many): the finished ones stop taking tokens while the others
 * decode on, and every sample's tokens and kept positions equal its generation alone.
 */
class DemoModelBatchIT {
  static final int MAX_NEW = 24;

  @ParameterizedTest
  @ValueSource(strings = {"vanilla", "v2drop@2:0.5,4:0.5", "random@2:0.3"})
  void samplesFinishingEarlyInABatchAnswerAsAlone(String method) throws Exception {
    try (LlavaEngine engine = LlavaEngine.load(Repo.DEMO_MODEL, Device.cpu())) {
      List<Sample> scenes =
          ShapesSuite.generate(new PopeTask(), "test", 6, 0).samples().subList(0, 6);
      List<EncodedInput> inputs = new ArrayList<>();
      for (int i = 0; i < scenes.size(); i++) {
        Sample s = scenes.get(i);
        String question =
            i % 2 == 0
                ? Captions.QUESTION
                : s.string("question") + "\nAnswer the question using a single word or phrase.";
        inputs.add(
            engine.encode(
                LlavaConversation.DEFAULT.apply(question, 1),
                List.of(ImageDecoder.decode(s.images().get(0), s.id())),
                "batch/" + s.id()));
      }
      MethodSpec spec = MethodSpec.parse(method);
      List<Generation> batch = engine.generate(inputs, spec, MAX_NEW);
      long eos = engine.model().eosTokenIds().iterator().next();
      int shortest = MAX_NEW;
      int longest = 0;
      for (int i = 0; i < inputs.size(); i++) {
        Generation alone = engine.generate(inputs.get(i), spec, MAX_NEW);
        Generation b = batch.get(i);
        assertArrayEquals(alone.tokens(), b.tokens(), method + " sample " + i + ": tokens");
        for (int st = 0; st < alone.stages().size(); st++) {
          assertArrayEquals(
              alone.stages().get(st).keptPositions(),
              b.stages().get(st).keptPositions(),
              method + " sample " + i + ": drop " + st);
        }
        long[] t = b.tokens();
        if (t.length < MAX_NEW) {
          assertEquals(eos, t[t.length - 1], "a sample that stopped early stopped at EOS");
        }
        shortest = Math.min(shortest, t.length);
        longest = Math.max(longest, t.length);
      }
      assertTrue(
          shortest < longest && shortest < MAX_NEW,
          "samples finished at different steps: " + shortest + " and " + longest + " tokens");
    }
  }
}
