package org.crossgen.metrics;

/** A reference text and the hypothesis (model output) scored against it; both non-null. */
public record TextPair(String reference, String hypothesis) {
    public TextPair {
        if (reference == null) throw new IllegalArgumentException("reference must not be null");
        if (hypothesis == null) throw new IllegalArgumentException("hypothesis must not be null");
    }
}
