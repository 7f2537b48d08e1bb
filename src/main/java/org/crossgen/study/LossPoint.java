package org.crossgen.study;

/** The training loss at one optimizer step. */
public record LossPoint(long step, double loss) {}
