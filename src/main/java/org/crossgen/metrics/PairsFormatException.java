package org.crossgen.metrics;

import java.io.IOException;
import java.nio.file.Path;

/** A pairs file that cannot be read as JSONL of {reference, hypothesis}; says file and line. */
public final class PairsFormatException extends IOException {
    /** @param line 1-based line number, or 0 when the problem is the file as a whole */
    PairsFormatException(Path file, int line, String detail) {
        super(file + (line > 0 ? ", line " + line : "") + ": " + detail);
    }
}
