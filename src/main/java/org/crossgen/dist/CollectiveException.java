package org.crossgen.dist;

/**
 * A collective operation that did not complete on this rank: a peer died (its sockets closed),
 * hung past the timeout, or the backend failed. Training cannot continue; the job resumes from its
 * last checkpoint.
 */
public final class CollectiveException extends RuntimeException {
    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
