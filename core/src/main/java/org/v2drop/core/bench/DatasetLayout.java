package org.v2drop.core.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a benchmark's rows live inside a copy of its Hugging Face dataset repository, and how a row
 * is identified: shards are {@code <root>/<dir>/<split>-*.parquet}; GQA's questions join their
 * images by {@code imageId = id}.
 *
 * @param dir sub-directory of the repository holding the shards (config name or "data")
 * @param split default split (file prefix)
 * @param idColumns columns that identify a row, joined by {@value #ID_SEPARATOR}; empty = a content
 *     hash of the row
 * @param imageColumn the image struct column; null when rows carry no images
 * @param imagesDir GQA: directory of the image table joined on {@code imageId}, else null
 * @param videosDir a video benchmark's files (or zips of them) when the sweep names no other place,
 *     relative to the repository copy; null for image benchmarks
 */
public record DatasetLayout(
    String dir,
    String split,
    List<String> idColumns,
    String imageColumn,
    String imagesDir,
    String videosDir,
    String subtitlesDir) {
  /** Joins the values of several id columns into one sample id. */
  public static final String ID_SEPARATOR = "#";

  public DatasetLayout {
    idColumns = List.copyOf(idColumns);
  }

  /** One image per row in column {@code image}. */
  public static DatasetLayout single(String dir, String split, String... idColumns) {
    return new DatasetLayout(dir, split, List.of(idColumns), "image", null, null, null);
  }

  /**
   * Text rows and a video file per row elsewhere: by default under {@code videosDir} of the
   * repository copy (Video-MME: {@code data/}, or the {@code videos_chunked_NN.zip} beside it).
   */
  public static DatasetLayout videos(
      String dir, String split, String videosDir, String... idColumns) {
    return new DatasetLayout(dir, split, List.of(idColumns), null, null, videosDir, null);
  }

  /**
   * Questions in JSON files, one per subtask ({@code <dir>/<subtask>.json}, a list of objects; the
   * reader adds the file's name as column {@code subtask} and numbers the rows), videos under
   * {@code videosDir} (MVBench).
   */
  public static DatasetLayout questionFiles(String dir, String videosDir) {
    return new DatasetLayout(dir, JSON_FILES, List.of(), null, null, videosDir, null);
  }

  /** The {@code split} of a layout whose rows are JSON files, one per subtask. */
  public static final String JSON_FILES = "*.json";

  /** Whether rows are JSON question files (else Parquet shards). */
  public boolean jsonFiles() {
    return JSON_FILES.equals(split);
  }

  /** This layout with subtitle files under {@code dir} of the copy. */
  public DatasetLayout withSubtitles(String dir) {
    return new DatasetLayout(this.dir, split, idColumns, imageColumn, imagesDir, videosDir, dir);
  }

  /** Whether rows name video files kept elsewhere. */
  public boolean hasVideos() {
    return videosDir != null;
  }

  /** Whether rows carry images in a column (else they are text, with videos elsewhere). */
  public boolean hasImages() {
    return imageColumn != null;
  }

  /**
   * GQA: questions under {@code dir}, their images in a table under {@code imagesDir} joined by id.
   */
  public static DatasetLayout imageTable(
      String dir, String imagesDir, String split, String... idColumns) {
    return new DatasetLayout(dir, split, List.of(idColumns), "image", imagesDir, null, null);
  }

  /** The shard glob for {@code root} and a split (null = the default split). */
  public String shards(String root, String splitOverride) {
    if (jsonFiles()) {
      return trim(root) + "/" + dir + "/" + (splitOverride == null ? "*" : splitOverride) + ".json";
    }
    return trim(root)
        + "/"
        + dir
        + "/"
        + (splitOverride == null ? split : splitOverride)
        + "-*.parquet";
  }

  /** GQA's image shards, or null. */
  public String imageShards(String root, String splitOverride) {
    return imagesDir == null
        ? null
        : trim(root)
            + "/"
            + imagesDir
            + "/"
            + (splitOverride == null ? split : splitOverride)
            + "-*.parquet";
  }

  /**
   * A row's sample id from its columns: the id columns' values joined by {@value #ID_SEPARATOR}, as
   * the dataset reader builds it; null when the layout has no id columns or one of them is missing.
   */
  public String sampleId(Map<String, ?> columns) {
    if (idColumns.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (String c : idColumns) {
      Object v = columns.get(c);
      if (v == null) {
        return null;
      }
      parts.add(v.toString());
    }
    return String.join(ID_SEPARATOR, parts);
  }

  private static String trim(String root) {
    return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }
}
