package org.v2drop.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.v2drop.core.bench.Sample;

/**
 * The uniform sample rows every benchmark is read into, and their conversion to core {@link
 * Sample}s.
 */
public final class SampleRows {
  public static final String BENCHMARK = "benchmark";
  public static final String SAMPLE_ID = "sample_id";
  public static final String SAMPLE_JSON = "sample_json";
  public static final String IMAGES = "images";

  public static final StructType SCHEMA =
      new StructType()
          .add(BENCHMARK, DataTypes.StringType, false)
          .add(SAMPLE_ID, DataTypes.StringType, true)
          .add(SAMPLE_JSON, DataTypes.StringType, true)
          .add(IMAGES, DataTypes.createArrayType(DataTypes.BinaryType, true), true);

  private static final ObjectMapper JSON = new ObjectMapper();

  private SampleRows() {}

  /**
   * The core sample of a row; a missing image is an error (the evaluator turns it into an error
   * row).
   */
  public static Sample toSample(Row row) {
    String id = row.getAs(SAMPLE_ID);
    Map<String, Object> columns = columns(id, row.getAs(SAMPLE_JSON));
    List<byte[]> images = new ArrayList<>();
    scala.collection.Seq<Object> seq = row.getAs(IMAGES);
    if (seq != null) {
      scala.collection.Iterator<Object> it = seq.iterator();
      while (it.hasNext()) {
        Object img = it.next();
        if (img == null) {
          throw new IllegalArgumentException("sample " + id + ": missing image");
        }
        images.add((byte[]) img);
      }
    }
    return new Sample(id, columns, images, row.getAs(BENCHMARK));
  }

  /** A sample without images from its columns' JSON (aggregation needs only the columns). */
  public static Sample fromJson(String id, String json, String source) {
    return Sample.textOnly(id, columns(id, json), source);
  }

  private static Map<String, Object> columns(String id, String json) {
    Map<String, Object> columns = new LinkedHashMap<>();
    try {
      JsonNode n = JSON.readTree(json == null ? "{}" : json);
      n.fields().forEachRemaining(e -> columns.put(e.getKey(), toJava(e.getValue())));
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "sample " + id + ": unreadable columns: " + e.getMessage(), e);
    }
    return columns;
  }

  static Object toJava(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>();
      v.forEach(x -> out.add(toJava(x)));
      return out;
    }
    return v.toString();
  }
}
