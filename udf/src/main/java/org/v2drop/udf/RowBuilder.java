package org.v2drop.udf;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds one {@link Row} of a table by column name, never by position: each value is checked
 * against its column's type as it is set, and {@link #build()} checks that every non-nullable
 * column was given. Java lists (and lists of lists) become the Scala sequences Spark expects for
 * array columns; {@code int[]} and {@code int[][]} for {@code array<int>} and {@code
 * array<array<int>>} columns are passed as they are (Spark copies them without boxing). Unset
 * nullable columns are null.
 */
public final class RowBuilder {
  private final StructType schema;
  private final Object[] values;

  public RowBuilder(StructType schema) {
    this.schema = schema;
    this.values = new Object[schema.size()];
  }

  /** Sets {@code column}; an unknown column or a value of the wrong type fails naming both. */
  public RowBuilder set(String column, Object value) {
    int i = index(column);
    StructField f = schema.fields()[i];
    values[i] = convert(value, f.dataType(), column);
    return this;
  }

  /** The row; fails naming the first non-nullable column left null. */
  public Row build() {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null && !schema.fields()[i].nullable()) {
        throw new IllegalStateException(
            "column '" + schema.fields()[i].name() + "' may not be null");
      }
    }
    return RowFactory.create(values.clone());
  }

  private int index(String column) {
    scala.Option<Object> i = schema.getFieldIndex(column);
    if (i.isEmpty()) {
      throw new IllegalArgumentException(
          "no column '" + column + "' in " + List.of(schema.fieldNames()));
    }
    return (Integer) i.get();
  }

  private static Object convert(Object value, DataType type, String column) {
    if (value == null) {
      return null;
    }
    if (isIntArray(type, 1) && value instanceof int[]
        || isIntArray(type, 2) && value instanceof int[][]) {
      return value; // primitive arrays go to Spark as they are (no boxing)
    }
    boolean ok =
        type instanceof StringType
            ? value instanceof String
            : type instanceof DoubleType
                ? value instanceof Double
                : type instanceof IntegerType
                    ? value instanceof Integer
                    : type instanceof LongType
                        ? value instanceof Long
                        : type instanceof BooleanType
                            ? value instanceof Boolean
                            : type instanceof ArrayType && value instanceof List<?>;
    if (!ok) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' is "
              + type.simpleString()
              + ", given "
              + value.getClass().getSimpleName()
              + " "
              + value);
    }
    if (type instanceof ArrayType a) {
      List<Object> out = new ArrayList<>();
      for (Object x : (List<?>) value) {
        out.add(convert(x, a.elementType(), column + "[]"));
      }
      return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
    }
    return value;
  }

  /** {@code array<int>} (depth 1) or {@code array<array<int>>} (depth 2). */
  private static boolean isIntArray(DataType type, int depth) {
    for (int d = 0; d < depth; d++) {
      if (!(type instanceof ArrayType a)) {
        return false;
      }
      type = a.elementType();
    }
    return type instanceof IntegerType;
  }
}
