package org.v2drop.core.bench;

/**
 * A response's score and the normalised / extracted answer it came from.
 *
 * @param score per-sample score (0..1)
 * @param parsed what the scorer compared (e.g. the normalised answer or the extracted letter)
 */
public record SampleScore(double score, String parsed) {}
