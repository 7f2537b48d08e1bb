package org.crossgen.study;

import java.util.Locale;

/** Where a training job or evaluation cell stands in the results store; stored as its lower-case name. */
public enum WorkState {
    /** Not started, or returned to the queue (a failed attempt retried, a dead worker's claim released). */
    PENDING,
    /** Claimed by a worker that renews its claim while it works. */
    RUNNING,
    /** Finished and stored. */
    DONE,
    /** The last attempt failed; its error is stored. */
    FAILED;

    /** The spelling in the store's {@code state} column. */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    static WorkState ofSql(String state) {
        return valueOf(state.toUpperCase(Locale.ROOT));
    }
}
