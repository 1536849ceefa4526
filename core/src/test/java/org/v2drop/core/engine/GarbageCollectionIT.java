package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.testing.Fixtures;

/**
 * Answers and logits do not change while the garbage collector runs. An array made from Java data
 * (DJL's CPU {@code create} wraps a direct buffer that only its own NDArray keeps alive) must
 * outlive every view of it: a view kept after its owner was closed reads memory the collector may
 * free at any time, which showed up as rare empty or wrong answers. A thread forcing collections
 * during generation makes such a lifetime error fail here every run.
 */
class GarbageCollectionIT {
  @Test
  void generationsUnderConstantCollectionEqualTheQuietOnes() throws Exception {
    String[] methods = {"vanilla", "v2drop@2:0.5,4:0.25", "fastv@2:0.5", "pdrop@1:0.5,3:0.5,5:0.5"};
    try (LlavaEngine engine = LlavaEngine.load(Fixtures.dir("tiny-llava-a"), Device.cpu())) {
      EncodedInput input = BadInputIT.encode(engine, "tiny-llava-a");
      List<Generation> quiet = new ArrayList<>();
      for (String m : methods) {
        quiet.add(engine.generate(input, MethodSpec.parse(m), 6));
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger collections = new AtomicInteger();
      Thread collector =
          new Thread(
              () -> {
                while (!stop.get()) {
                  System.gc();
                  collections.incrementAndGet();
                  try {
                    Thread.sleep(
                        1); // collections stop the world: leave the generations time to run between
                    // them
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "gc-stress");
      collector.setDaemon(true);
      collector.start();
      try {
        // at least 40 generations, and as many more as it takes for the collector to have run 20
        // times while generations ran (a slow machine runs longer, not weaker)
        for (int i = 0; i < 40 || collections.get() <= 20; i++) {
          assertTrue(i < 4000, "the collector ran only " + collections.get() + " times");
          String m = methods[i % methods.length];
          Generation g = engine.generate(input, MethodSpec.parse(m), 6);
          Generation ref = quiet.get(i % methods.length);
          assertArrayEquals(ref.tokens(), g.tokens(), m + ", generation " + i + ": tokens");
          assertArrayEquals(
              ref.lastLogitsTop5().values(),
              g.lastLogitsTop5().values(),
              m + ", generation " + i + ": last prompt token's top-5 logits");
        }
      } finally {
        stop.set(true);
        collector.interrupt();
        collector.join();
      }
    }
  }
}
