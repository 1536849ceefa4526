package org.v2drop.udf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.v2drop.core.bench.Sample;
import org.v2drop.core.bench.SampleScore;
import org.v2drop.core.eval.SampleResult;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.KeptStage;
import org.v2drop.core.generate.TopLogits;

/**
 * Report rows built from values that are all different, so a value in the wrong column cannot go
 * unnoticed.
 */
final class ReportRowsFixture {
  static final StructType INPUT =
      SampleTable.SCHEMA
          .add(SampleTable.METHOD, DataTypes.StringType, false)
          .add(SampleTable.BATCH, DataTypes.IntegerType, true);

  private ReportRowsFixture() {}

  /** A sample row as the partition function receives it. */
  static Row input() {
    return new GenericRowWithSchema(
        new Object[] {"shapes_pope", "q7", "{\"question_id\":\"q7\"}", null, "v2drop@2:0.5", 0},
        INPUT);
  }

  /** A generation whose every timing, count and size differs from every other. */
  static Generation generation() {
    return new Generation(
        new long[] {5, 6, 7},
        "v2drop@2:0.5",
        List.of(new KeptStage(2, new long[] {9, 12})),
        new int[] {4, 4, 2},
        new int[] {13, 13, 11},
        new TopLogits(new int[] {5}, new float[] {1f}),
        13,
        4,
        1.5,
        2.25,
        4.125,
        new double[] {0.5, 0.75, 1.0},
        1234.5,
        17,
        17,
        -1,
        -1,
        -1);
  }

  static SampleResult result() {
    Sample s = new Sample("q7", Map.of("question_id", "q7"), List.of(), "t");
    return new SampleResult(
        s,
        "PROMPT",
        generation(),
        "Yes",
        new SampleScore(0.75, "yes"),
        new long[] {8, 9, 12, 13},
        2,
        null);
  }

  /** Column name → value, read by the schema's positions. */
  static Map<String, Object> byName(Row row, StructType schema) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      out.put(schema.fieldNames()[i], row.get(i));
    }
    return out;
  }
}
