package org.crossgen.data;

import java.util.List;

/**
 * A dataset or task file that cannot be used: each error names its file, record and field.
 * The message puts one problem per line, each after the first prefixed {@code "error: "} so the
 * command line's own {@code "error: "} prefix covers the first: one line per problem.
 */
public final class DatasetFormatException extends RuntimeException {
    private final List<Problem> problems;

    public DatasetFormatException(List<Problem> problems) {
        super(String.join("\nerror: ", problems.stream().map(Problem::toString).toList()));
        if (problems.isEmpty()) throw new IllegalArgumentException("a format exception needs a problem");
        this.problems = List.copyOf(problems);
    }

    /** The errors, in file order. */
    public List<Problem> problems() {
        return problems;
    }
}
