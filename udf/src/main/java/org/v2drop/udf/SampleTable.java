package org.v2drop.udf;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.v2drop.core.bench.Sample;

/**
 * The uniform sample rows every benchmark is read into ({@link #SCHEMA}), and the columns the eval
 * job adds before the partition function sees them: the method, and with batching the batch key.
 * Column names are declared here once; rows convert to core {@link Sample}s.
 */
public final class SampleTable {
  public static final String BENCHMARK = CellColumns.BENCHMARK;
  public static final String SAMPLE_ID = "sample_id";

  /** The benchmark's own columns of the row, as a JSON object. */
  public static final String SAMPLE_JSON = "sample_json";

  /** The row's encoded images (PNG/JPEG bytes), in prompt order. */
  public static final String IMAGES = "images";

  /** Added by the eval job: the method spec to evaluate the row with. */
  public static final String METHOD = CellColumns.METHOD;

  /**
   * Added by the eval job when batching: rows with equal (benchmark, method, batch) are generated
   * together.
   */
  public static final String BATCH = "batch";

  /** What the dataset reader produces. */
  public static final StructType SCHEMA =
      new StructType()
          .add(BENCHMARK, DataTypes.StringType, false)
          .add(SAMPLE_ID, DataTypes.StringType, true)
          .add(SAMPLE_JSON, DataTypes.StringType, true)
          .add(IMAGES, DataTypes.createArrayType(DataTypes.BinaryType, true), true);

  private SampleTable() {}

  /**
   * The core sample of a row; a missing image is an error (the partition function turns it into an
   * error row).
   */
  public static Sample toSample(Row row) {
    String id = row.getAs(SAMPLE_ID);
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
    return new Sample(
        id, Sample.columnsFromJson(id, row.getAs(SAMPLE_JSON)), images, row.getAs(BENCHMARK));
  }
}
