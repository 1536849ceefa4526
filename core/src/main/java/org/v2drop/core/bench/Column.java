package org.v2drop.core.bench;

/**
 * A column a benchmark reads, with the kind of values it must hold.
 *
 * @param required false when the column may be absent from the file
 */
public record Column(String name, Kind kind, boolean required) {
  /** Value kinds, independent of the storage format. */
  public enum Kind {
    STRING,
    INTEGER,
    STRING_LIST,
    IMAGE,
    IMAGE_LIST
  }

  public static Column of(String name, Kind kind) {
    return new Column(name, kind, true);
  }

  public static Column optional(String name, Kind kind) {
    return new Column(name, kind, false);
  }
}
