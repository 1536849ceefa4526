package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.Collections;
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
  public Sample {
    columns = Collections.unmodifiableMap(columns);
    images = List.copyOf(images);
  }

  /** A sample without images (rescoring predictions made elsewhere). */
  public static Sample textOnly(String id, Map<String, Object> columns, String source) {
    return new Sample(id, columns, List.of(), source);
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
