package org.v2drop.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The two-layer MLP projecting vision features into the text embedding space.
 *
 * @param linear1T (vision features, text hidden)
 * @param bias1 (text hidden) or null
 * @param linear2T (text hidden, text hidden)
 * @param bias2 (text hidden) or null
 */
public record ProjectorWeights(NDArray linear1T, NDArray bias1, NDArray linear2T, NDArray bias2) {}
