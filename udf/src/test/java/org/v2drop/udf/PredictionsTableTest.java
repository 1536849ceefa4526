package org.v2drop.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.v2drop.core.eval.SampleResult;

/**
 * Prediction rows are built by name: every value lands in its own column, for answers and for
 * errors.
 */
class PredictionsTableTest {
  private static final PredictionsTable.Provenance WHERE =
      new PredictionsTable.Provenance("run-1", "model-a", "exec-3", "gpu:1", "float16", 7, 8);

  @Test
  void everyValueOfAnAnswerLandsInItsOwnColumn() {
    Row row = PredictionsTable.ok(WHERE, ReportRowsFixture.input(), ReportRowsFixture.result());
    Map<String, Object> v = ReportRowsFixture.byName(row, PredictionsTable.SCHEMA);
    assertEquals("run-1", v.get("run_id"));
    assertEquals("model-a", v.get("model"));
    assertEquals("v2drop@2:0.5", v.get("method"));
    assertEquals("v2drop@2:0.5", v.get("schedule"));
    assertEquals("shapes_pope", v.get("benchmark"));
    assertEquals("q7", v.get("sample_id"));
    assertEquals(SampleResult.hash("PROMPT"), v.get("prompt_hash"));
    assertEquals("Yes", v.get("response"));
    assertEquals("yes", v.get("parsed"));
    assertEquals(0.75, v.get("score"));
    assertEquals("ok", v.get("status"));
    assertNull(v.get("error"));
    assertEquals(List.of(4, 4, 2), seq(v.get("vision_tokens_per_layer")));
    assertEquals(2.25, v.get("prefill_ms"));
    assertEquals(4.125, v.get("decode_ms"));
    assertEquals(6.375, v.get("total_ms"));
    assertEquals(3, v.get("new_tokens"));
    assertEquals(1234.5, v.get("flops"));
    assertEquals("exec-3", v.get("executor_id"));
    assertEquals("gpu:1", v.get("device"));
    assertEquals("float16", v.get("dtype"));
    assertEquals(1.5, v.get("vision_ms"));
    assertEquals(13, v.get("prompt_tokens"));
    assertEquals(10.0 / 3, (Double) v.get("mean_vision_tokens"), 1e-12);
    assertEquals(
        List.of(List.of(9, 12)),
        seq(v.get("kept_positions")).stream().map(PredictionsTableTest::seq).toList());
    assertEquals(List.of(8, 9, 12, 13), seq(v.get("vision_positions")));
    assertEquals("{\"question_id\":\"q7\"}", v.get("sample_json"));
    assertEquals(7, v.get("jvm_engine_loads"));
    assertEquals(8, v.get("frames"));
    assertEquals(2, v.get("batch_size"));
    assertEquals(PredictionsTable.SCHEMA.size(), v.size());
  }

  @Test
  void anErrorRowKeepsTheSamplesIdentityAndWhereItFailed() {
    Row row = PredictionsTable.error(WHERE, ReportRowsFixture.input(), "PROMPT", "boom");
    Map<String, Object> v = ReportRowsFixture.byName(row, PredictionsTable.SCHEMA);
    assertEquals("error", v.get("status"));
    assertEquals("boom", v.get("error"));
    assertEquals("q7", v.get("sample_id"));
    assertEquals("shapes_pope", v.get("benchmark"));
    assertEquals("v2drop@2:0.5", v.get("method"));
    assertEquals(SampleResult.hash("PROMPT"), v.get("prompt_hash"));
    assertEquals("exec-3", v.get("executor_id"));
    assertEquals(7, v.get("jvm_engine_loads"));
    for (String empty :
        List.of(
            "schedule",
            "response",
            "parsed",
            "score",
            "vision_tokens_per_layer",
            "prefill_ms",
            "decode_ms",
            "total_ms",
            "new_tokens",
            "flops",
            "vision_ms",
            "prompt_tokens",
            "mean_vision_tokens",
            "kept_positions",
            "vision_positions",
            "batch_size")) {
      assertNull(v.get(empty), empty);
    }
    assertNull(
        ReportRowsFixture.byName(
                PredictionsTable.error(WHERE, ReportRowsFixture.input(), null, "x"),
                PredictionsTable.SCHEMA)
            .get("prompt_hash"),
        "no prompt, no hash");
  }

  /** An array column's value as a list: a Scala sequence, {@code int[]} or {@code int[][]}. */
  static List<Object> seq(Object o) {
    if (o instanceof int[] a) {
      return java.util.Arrays.stream(a).boxed().map(x -> (Object) x).toList();
    }
    if (o instanceof int[][] a) {
      return java.util.Arrays.stream(a).map(x -> (Object) x).toList();
    }
    return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) o);
  }
}
