package org.v2drop.core.generate;

/**
 * The outcome of one drop.
 *
 * @param layer the decoder layer the drop happened before
 * @param keptPositions original positions of the vision tokens kept, ascending
 */
public record KeptStage(int layer, long[] keptPositions) {}
