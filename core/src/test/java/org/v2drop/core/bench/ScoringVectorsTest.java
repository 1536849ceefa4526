package org.v2drop.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector of spec/scoring-vectors.json (computed by the reference scoring functions) is a test
 * case.
 */
class ScoringVectorsTest {
  static JsonNode vectors() {
    try (InputStream in =
        ScoringVectorsTest.class.getResourceAsStream("/spec/scoring-vectors.json")) {
      if (in == null) {
        throw new AssertionError(
            "missing test resource spec/scoring-vectors.json (copy of shared/spec)");
      }
      return new ObjectMapper().readTree(in);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<JsonNode> cases(String group) {
    List<JsonNode> out = new ArrayList<>();
    vectors().get(group).forEach(out::add);
    assertTrue(out.size() >= 5, group + " has too few vectors");
    return out.stream();
  }

  static Stream<JsonNode> evalai() {
    return cases("evalai_normalize");
  }

  static Stream<JsonNode> vqa() {
    return cases("vqa_accuracy");
  }

  static Stream<JsonNode> mcq() {
    return cases("extract_mcq_answer");
  }

  static Stream<JsonNode> mme() {
    return cases("mme_parse");
  }

  static Stream<JsonNode> sqa() {
    return cases("scienceqa_img");
  }

  static Stream<JsonNode> pope() {
    return cases("pope");
  }

  static Stream<JsonNode> canInfer() {
    return cases("mmbench_can_infer");
  }

  static Stream<JsonNode> gqa() {
    return cases("gqa");
  }

  static Stream<JsonNode> vizwiz() {
    return cases("vizwiz_vqa");
  }

  static Stream<JsonNode> videomme() {
    return cases("videomme");
  }

  /** What lmms-eval's evaluator hands a task's scorer: the response without reasoning blocks. */
  static String scored(JsonNode v, String field) {
    return Answer.of(v.get(field).asText()).text();
  }

  @org.junit.jupiter.api.Test
  void theVectorsNameTheLmmsEvalTheyCameFrom() {
    JsonNode p = vectors().get("_provenance");
    assertTrue(
        p != null && p.get("lmms_eval_commit").asText().matches("[0-9a-f]{40}"), "provenance");
    assertEquals("tools/make_scoring_vectors.py", p.get("generator").asText());
  }

  @ParameterizedTest
  @MethodSource("evalai")
  void evalAiNormalize(JsonNode v) {
    assertEquals(
        v.get("out").asText(), EvalAiNormalizer.normalize(v.get("in").asText()), v.toString());
  }

  @ParameterizedTest
  @MethodSource("vqa")
  void vqaAccuracy(JsonNode v) {
    List<String> answers = new ArrayList<>();
    v.get("answers").forEach(a -> answers.add(a.asText()));
    assertEquals(
        v.get("acc").asDouble(), VqaAccuracy.score(scored(v, "pred"), answers), 1e-9, v.toString());
  }

  @ParameterizedTest
  @MethodSource("mcq")
  void extractMcqAnswer(JsonNode v) {
    List<String> choices = new ArrayList<>();
    v.get("choices").forEach(c -> choices.add(c.asText()));
    assertEquals(
        v.get("out").asText(), McqExtraction.extract(v.get("in").asText(), choices), v.toString());
  }

  @ParameterizedTest
  @MethodSource("mme")
  void mmeParse(JsonNode v) {
    assertEquals(v.get("out").asText(), YesNo.parseMme(v.get("in").asText()), v.toString());
  }

  @ParameterizedTest
  @MethodSource("sqa")
  void scienceQa(JsonNode v) {
    Sample s =
        Sample.textOnly(
            "t",
            Map.of(
                "question",
                "q",
                "choices",
                List.of("cat", "dog", "cow"),
                "answer",
                v.get("answer_index").asLong()),
            "vectors");
    assertEquals(
        v.get("score").asDouble(),
        Benchmarks.byName("scienceqa_img").score(s, scored(v, "in")).score(),
        v.toString());
  }

  @ParameterizedTest
  @MethodSource("pope")
  void pope(JsonNode v) {
    Sample s = Sample.textOnly("t", Map.of("answer", v.get("gt").asText()), "vectors");
    assertEquals(
        v.get("score").asDouble(),
        Benchmarks.byName("pope").score(s, scored(v, "in")).score(),
        v.toString());
  }

  @ParameterizedTest
  @MethodSource("canInfer")
  void mmbenchCanInfer(JsonNode v) {
    Map<String, String> choices = new java.util.LinkedHashMap<>();
    v.get("choices").fields().forEachRemaining(e -> choices.put(e.getKey(), e.getValue().asText()));
    String expected = v.get("out").isBoolean() ? null : v.get("out").asText();
    assertEquals(expected, McqExtraction.canInfer(v.get("in").asText(), choices), v.toString());
  }

  @ParameterizedTest
  @MethodSource("gqa")
  void gqa(JsonNode v) {
    Sample s = Sample.textOnly("t", Map.of("answer", v.get("answer").asText()), "vectors");
    SampleScore got = Benchmarks.byName("gqa").score(s, scored(v, "in"));
    assertEquals(v.get("pred").asText(), got.parsed(), v.toString());
    assertEquals(v.get("score").asDouble(), got.score(), v.toString());
  }

  @ParameterizedTest
  @MethodSource("vizwiz")
  void vizwiz(JsonNode v) {
    List<String> answers = new ArrayList<>();
    v.get("answers").forEach(a -> answers.add(a.asText()));
    Sample s = Sample.textOnly("t", Map.of("answers", answers), "vectors");
    assertEquals(
        v.get("acc").asDouble(),
        Benchmarks.byName("vizwiz_vqa_val").score(s, scored(v, "pred")).score(),
        1e-9,
        v.toString());
  }

  @ParameterizedTest
  @MethodSource("videomme")
  void videomme(JsonNode v) {
    Sample s =
        Sample.textOnly(
            "t",
            Map.of(
                "options",
                List.of("A. a", "B. b", "C. c", "D. d"),
                "answer",
                v.get("answer").asText()),
            "vectors");
    SampleScore got = Benchmarks.byName("videomme").score(s, scored(v, "in"));
    assertEquals(v.get("out").asText(), got.parsed(), v.toString());
    assertEquals(v.get("score").asDouble(), got.score(), v.toString());
  }
}
