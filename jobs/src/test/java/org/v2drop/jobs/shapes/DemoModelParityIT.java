package org.v2drop.jobs.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.LlavaEngine;
import org.v2drop.core.eval.Evaluator;
import org.v2drop.core.eval.SampleResult;
import org.v2drop.jobs.testing.Repo;

/**
 * The Java engine's greedy answers on ShapesVQA test samples equal HF transformers'
 * (tools/hf_answers.py, committed) on at least 99% of 350 samples, and the scores are identical
 * where the answers are.
 */
class DemoModelParityIT {

  @Test
  void javaAnswersMatchTransformers() throws Exception {
    JsonNode ref;
    try (InputStream in =
        getClass().getResourceAsStream("/parity/shapes-llava-v2-hf-answers.json")) {
      if (in == null) {
        throw new AssertionError(
            "missing parity/shapes-llava-v2-hf-answers.json; regenerate with tools/hf_answers.py");
      }
      ref = new ObjectMapper().readTree(in);
    }
    Map<String, Sample> samples = new HashMap<>();
    for (ShapesTask t : ShapesSuite.TASKS) {
      GeneratedTask g = ShapesSuite.generate(t, "test", ShapesSuite.TEST_COUNTS.get(t.name()), 0);
      g.samples().forEach(s -> samples.put(t.name() + "/" + s.id(), s));
    }
    int total = 0;
    int same = 0;
    List<String> differences = new ArrayList<>();
    try (LlavaEngine engine = LlavaEngine.load(Repo.DEMO_MODEL, Device.cpu())) {
      for (JsonNode a : ref.get("answers")) {
        String task = a.get("task").asText();
        Sample s = samples.get(task + "/" + a.get("sample_id").asText());
        assertTrue(
            s != null,
            "sample " + a.get("sample_id") + " of " + task + " is not in the regenerated suite");
        Benchmark b = Benchmarks.byName(task);
        SampleResult r =
            new Evaluator(engine, b, MethodSpec.parse("vanilla"), ref.get("max_new_tokens").asInt())
                .evaluate(s);
        assertTrue(r.ok(), r.error());
        String response = r.response();
        String expected = a.get("response").asText();
        total++;
        if (response.equals(expected)) {
          same++;
          assertEquals(b.score(s, expected), b.score(s, response));
        } else {
          differences.add(task + "/" + s.id() + ": java '" + response + "' hf '" + expected + "'");
        }
      }
    }
    assertTrue(total >= 300, "compared " + total + " samples");
    assertTrue(
        same >= 0.99 * total, same + "/" + total + " answers equal; differences: " + differences);
    System.out.println(
        "parity: " + same + "/" + total + " answers equal; differences: " + differences);
  }
}
