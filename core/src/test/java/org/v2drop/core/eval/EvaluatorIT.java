package org.v2drop.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.LlavaEngine;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.LlavaConversation;
import org.v2drop.core.testing.Fixtures;

/**
 * The per-sample chain on a real checkpoint: the evaluator's answer is what the engine's own steps
 * give for the benchmark's prompt, batching around it changes nothing, and failures become error
 * results at their own sample.
 */
class EvaluatorIT {
  private static final Benchmark POPE = Benchmarks.byName("pope");
  private static LlavaEngine engine;
  private static byte[] png;

  @BeforeAll
  static void load() throws Exception {
    engine = LlavaEngine.load(Fixtures.dir("tiny-llava-a"), Device.cpu());
    png = Files.readAllBytes(Fixtures.dir("tiny-llava-a").resolve("images/img0_45x31_RGB.png"));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  static Sample pope(String id, String question, byte[]... images) {
    return new Sample(
        id, Map.of("question_id", id, "question", question, "answer", "yes"), List.of(images), "t");
  }

  static List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    String[] questions = {
      "Is there a circle?",
      "Is there a red square to the left of the blue circle here?",
      "Is it big?",
      "Is there anything at all in this small picture, or is it empty?"
    };
    for (int i = 0; i < questions.length; i++) {
      out.add(pope("q" + i, questions[i], png));
    }
    return out;
  }

  @Test
  void theChainIsTheEnginesOwnStepsForTheBenchmarksPrompt() {
    MethodSpec method = MethodSpec.parse("random@2:0.3");
    Sample s = samples().get(1);
    SampleResult r = new Evaluator(engine, POPE, method, 5).evaluate(s);
    assertTrue(r.ok(), r.error());

    String prompt =
        LlavaConversation.DEFAULT.apply(
            "Is there a red square to the left of the blue circle here?\n"
                + "Answer the question using a single word or phrase.",
            1);
    EncodedInput input = engine.encode(prompt, List.of(ImageDecoder.decode(png, "png")), "pope/q1");
    Generation g = engine.generate(input, method, 5);
    assertEquals(prompt, r.prompt());
    assertArrayEquals(g.tokens(), r.generation().tokens());
    assertArrayEquals(
        g.stages().get(0).keptPositions(),
        r.generation().stages().get(0).keptPositions(),
        "the random baseline is seeded with benchmark/sample");
    assertEquals(engine.decode(g.tokens()), r.response());
    assertEquals(POPE.score(s, r.response()), r.score());
    assertArrayEquals(input.visionPositions(), r.visionPositions());
    assertEquals(1, r.batchSize());
    assertEquals(16, SampleResult.hash(prompt).length());
  }

  @Test
  void batchingAroundTheChainChangesNothingAndFailuresStayWithTheirSample() {
    MethodSpec method = MethodSpec.parse("v2drop@2:0.5,4:0.25");
    Evaluator one = new Evaluator(engine, POPE, method, 5);
    List<Sample> samples = new ArrayList<>(samples());
    samples.add(2, pope("corrupt", "Is it?", new byte[] {1, 2, 3}));
    samples.add(
        new Sample("no-question", Map.of("question_id", "x", "answer", "yes"), List.of(png), "t"));
    List<SampleResult> batch = new BatchedEvaluator(one).evaluate(samples);
    assertEquals(samples.size(), batch.size());
    for (int i = 0; i < samples.size(); i++) {
      SampleResult b = batch.get(i);
      assertEquals(samples.get(i).id(), b.sample().id(), "results in input order");
      SampleResult alone = one.evaluate(samples.get(i));
      assertEquals(alone.ok(), b.ok(), samples.get(i).id());
      if (!b.ok()) {
        assertEquals(alone.error(), b.error());
        assertNull(b.generation());
        continue;
      }
      assertEquals(4, b.batchSize(), "the four good samples were generated together");
      assertArrayEquals(alone.generation().tokens(), b.generation().tokens(), b.sample().id());
      for (int st = 0; st < alone.generation().stages().size(); st++) {
        assertArrayEquals(
            alone.generation().stages().get(st).keptPositions(),
            b.generation().stages().get(st).keptPositions(),
            b.sample().id() + " drop " + st);
      }
      assertEquals(alone.response(), b.response());
      assertEquals(alone.prompt(), b.prompt());
    }
    assertTrue(
        batch.get(2).error().contains("pope sample corrupt image 0: not a decodable image"),
        batch.get(2).error());
    assertTrue(
        batch.get(5).error().contains("sample no-question: column 'question' is missing"),
        batch.get(5).error());
    assertNull(batch.get(5).prompt(), "it failed before its prompt was built");
  }
}
