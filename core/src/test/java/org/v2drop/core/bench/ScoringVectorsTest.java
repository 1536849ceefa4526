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
        v.get("acc").asDouble(),
        VqaAccuracy.score(v.get("pred").asText(), answers),
        1e-9,
        v.toString());
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
        Benchmarks.byName("scienceqa_img").score(s, v.get("in").asText()).score(),
        v.toString());
  }

  @ParameterizedTest
  @MethodSource("pope")
  void pope(JsonNode v) {
    Sample s = Sample.textOnly("t", Map.of("answer", v.get("gt").asText()), "vectors");
    assertEquals(
        v.get("score").asDouble(),
        Benchmarks.byName("pope").score(s, v.get("in").asText()).score(),
        v.toString());
  }
}
