package org.v2drop.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.v2drop.core.bench.Answer;
import org.v2drop.core.bench.Benchmark;
import org.v2drop.core.bench.Benchmarks;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.bench.Scored;

/** {@code v2drop score}: rescoring predictions made elsewhere with our lmms-eval scorers. */
final class ScoreCommand {
  static final String USAGE =
      """
      usage: v2drop score --benchmark NAME --input FILE.jsonl

      Each input line is a JSON object with the benchmark's own columns (as in its Parquet layout) plus "response".
      Prints ONE JSON object: {"benchmark": NAME, "samples": [{"score", "parsed"}, ...], "metrics": {...}},
      samples in input order; "parsed" is the normalised / extracted answer the score came from.
      Benchmarks: %s
      """
          .formatted(String.join(", ", Benchmarks.names()));

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScoreCommand() {}

  static int run(Args args) throws Exception {
    Benchmark benchmark = Benchmarks.byName(args.required("--benchmark"));
    Path input = args.requiredPath("--input");
    args.finish();
    List<Scored> rows = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        rows.add(scoreLine(benchmark, line, input + ":" + n));
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("benchmark", benchmark.name());
    ArrayNode samples = out.putArray("samples");
    for (Scored s : rows) {
      samples.addObject().put("score", s.score().score()).put("parsed", s.score().parsed());
    }
    ObjectNode metrics = out.putObject("metrics");
    benchmark.aggregate(rows).forEach(metrics::put);
    System.out.println(JSON.writeValueAsString(out));
    return 0;
  }

  private static Scored scoreLine(Benchmark benchmark, String line, String where) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalArgumentException(where + ": not valid JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(where + ": expected a JSON object");
    }
    JsonNode response = n.get("response");
    if (response == null || !response.isTextual()) {
      throw new IllegalArgumentException(where + ": missing string field 'response'");
    }
    Map<String, Object> columns = Sample.columnsFromJson(where, line);
    String id = benchmark.layout().sampleId(columns);
    Sample sample = Sample.textOnly(id == null ? where : id, columns, where);
    SampleScore score = benchmark.score(sample, Answer.of(response.asText()).text());
    return new Scored(sample, response.asText(), score);
  }
}
