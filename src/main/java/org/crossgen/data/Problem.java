package org.crossgen.data;

/**
 * One thing wrong with a dataset file, located to the record.
 *
 * @param severity an error stops a run; a warning is reported and the record is kept
 * @param file     the file as users name it, e.g. {@code sentiment/amazon_test_500.json}
 * @param record   0-based record position, or -1 for the whole file
 * @param message  what is wrong, naming the field and the value found
 */
public record Problem(Severity severity, String file, int record, String message) {
    public enum Severity { ERROR, WARNING }

    public Problem {
        if (record < -1) throw new IllegalArgumentException("record must be >= -1, got " + record);
    }

    static Problem error(String file, int record, String message) {
        return new Problem(Severity.ERROR, file, record, message);
    }

    static Problem warning(String file, int record, String message) {
        return new Problem(Severity.WARNING, file, record, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file, record N: message}, or {@code file: message} for the whole file. */
    @Override
    public String toString() {
        return record < 0 ? file + ": " + message : file + ", record " + record + ": " + message;
    }
}
