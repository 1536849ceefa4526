package org.v2drop.core.bench;

/** A dataset row or file does not have the columns or values its benchmark needs. */
public class BenchmarkDataException extends IllegalArgumentException {
  public BenchmarkDataException(String message) {
    super(message);
  }
}
