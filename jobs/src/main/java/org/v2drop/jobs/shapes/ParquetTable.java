package org.v2drop.jobs.shapes;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Rows written as one Parquet file in the Hugging Face {@code datasets} layout: strings as UTF8
 * binary, images as {@code struct<bytes: binary, path: string>}, lists as 3-level {@code
 * list<element>}. Values: String, Long, Integer, Byte, Boolean, {@link Image}, List of String or
 * Image; null leaves the field empty.
 */
public record ParquetTable(MessageType schema, List<Map<String, Object>> rows) {

  /** An encoded image and the file name HF keeps beside it. */
  public record Image(byte[] bytes, String path) {}

  public static Type string(String name) {
    return Types.optional(PrimitiveTypeName.BINARY)
        .as(LogicalTypeAnnotation.stringType())
        .named(name);
  }

  public static Type int64(String name) {
    return Types.optional(PrimitiveTypeName.INT64).named(name);
  }

  public static Type int8(String name) {
    return Types.optional(PrimitiveTypeName.INT32)
        .as(LogicalTypeAnnotation.intType(8, true))
        .named(name);
  }

  public static Type image(String name) {
    return Types.optionalGroup()
        .addField(Types.optional(PrimitiveTypeName.BINARY).named("bytes"))
        .addField(string("path"))
        .named(name);
  }

  public static Type stringList(String name) {
    return Types.optionalList()
        .optionalElement(PrimitiveTypeName.BINARY)
        .as(LogicalTypeAnnotation.stringType())
        .named(name);
  }

  public static Type imageList(String name) {
    return Types.optionalList().element(image("element")).named(name);
  }

  public static MessageType schema(Type... fields) {
    return new MessageType("schema", fields);
  }

  /** Writes the table to {@code path} (any Hadoop filesystem), replacing an existing file. */
  public void write(Path path, Configuration conf) throws IOException {
    SimpleGroupFactory factory = new SimpleGroupFactory(schema);
    path.getFileSystem(conf).setWriteChecksum(false); // no .crc side files beside the dataset
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf))
            .withType(schema)
            .withConf(conf)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (Map<String, Object> row : rows) {
        Group g = factory.newGroup();
        for (Type field : schema.getFields()) {
          Object v = row.get(field.getName());
          if (v != null) {
            put(g, field, v);
          }
        }
        writer.write(g);
      }
    }
  }

  private static void put(Group g, Type field, Object v) {
    String name = field.getName();
    if (v instanceof Image img) {
      Group s = g.addGroup(name);
      s.append("bytes", Binary.fromConstantByteArray(img.bytes()));
      s.append("path", img.path());
    } else if (v instanceof List<?> list) {
      Group l = g.addGroup(name);
      Type element = ((GroupType) ((GroupType) field).getType(0)).getType(0);
      for (Object item : list) {
        Group entry = l.addGroup(0);
        if (item != null) {
          put(entry, element, item);
        }
      }
    } else if (v instanceof String s) {
      g.append(name, s);
    } else if (v instanceof Long n) {
      g.append(name, n);
    } else if (v instanceof Integer n) {
      g.append(name, n);
    } else if (v instanceof Boolean b) {
      g.append(name, b);
    } else {
      throw new IllegalArgumentException("column " + name + ": unsupported value " + v.getClass());
    }
  }
}
