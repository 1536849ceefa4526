package org.v2drop.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark row: its columns as read from the dataset (String, Long, Double, Boolean, List, or
 * null) and its encoded images in prompt order. Getters name the column and the sample in their
 * errors.
 *
 * @param id stable sample id (unique within the benchmark)
 * @param source where the row came from (file), for error messages
 */
public record Sample(String id, Map<String, Object> columns, List<byte[]> images, String source) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Sample {
    columns = Collections.unmodifiableMap(columns);
    images = List.copyOf(images);
  }

  /** A sample without images (rescoring predictions made elsewhere). */
  public static Sample textOnly(String id, Map<String, Object> columns, String source) {
    return new Sample(id, columns, List.of(), source);
  }

  /**
   * A sample's columns from a JSON object (how the dataset reader carries them); errors name the
   * sample.
   */
  public static Map<String, Object> columnsFromJson(String id, String json) {
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

  private static Object toJava(JsonNode v) {
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

  /** A required string column. */
  public String string(String column) {
    Object v = columns.get(column);
    if (v == null) {
      throw new BenchmarkDataException(where(column) + " is missing or null");
    }
    return v.toString();
  }

  /** An optional string column: null when absent or null. */
  public String optString(String column) {
    Object v = columns.get(column);
    return v == null ? null : v.toString();
  }

  /** A required integer column (any integral number). */
  public long integer(String column) {
    Object v = columns.get(column);
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new BenchmarkDataException(where(column) + " must be an integer, found " + describe(v));
  }

  /** A required list-of-strings column (nulls inside are kept as "None" like Python's str()). */
  public List<String> strings(String column) {
    Object v = columns.get(column);
    if (!(v instanceof List<?> list)) {
      throw new BenchmarkDataException(
          where(column) + " must be a list of strings, found " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      out.add(o == null ? "None" : o.toString());
    }
    return out;
  }

  private String where(String column) {
    return source + ": sample " + id + ": column '" + column + "'";
  }

  private static String describe(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
  }
}
