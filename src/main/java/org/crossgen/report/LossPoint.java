package org.crossgen.report;

/** The training loss at one optimizer step. */
public record LossPoint(long step, double loss) {}
