package org.crossgen.infer;

/** Decides, after each generated token, whether a sequence is complete (e.g. a stop string appeared). */
@FunctionalInterface
public interface StopCondition {
    StopCondition NEVER = generated -> false;

    /** @param generated the ids generated so far for one sequence (prompt excluded) */
    boolean isDone(long[] generated);
}
