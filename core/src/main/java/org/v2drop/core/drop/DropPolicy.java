package org.v2drop.core.drop;

/**
 * Chooses which alive vision tokens survive a drop. The generator consults it at the layer
 * boundaries of the schedule during prefill; decoder layers know nothing about it.
 */
@FunctionalInterface
public interface DropPolicy {
  /**
   * Indices into {@link LayerView#alivePositions()} of the {@code keep} tokens to keep, ascending.
   *
   * @param keep number of tokens to keep, 1..alive
   */
  int[] select(LayerView view, int keep);
}
