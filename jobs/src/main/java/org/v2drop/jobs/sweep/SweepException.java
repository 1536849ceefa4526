package org.v2drop.jobs.sweep;

/** A sweep file is malformed; the message names the file and the key. */
public class SweepException extends IllegalArgumentException {
  public SweepException(String message) {
    super(message);
  }
}
