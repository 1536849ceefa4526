package org.v2drop.core.bench;

/** A sample with its response and score: the input of aggregation. */
public record Scored(Sample sample, String response, SampleScore score) {}
