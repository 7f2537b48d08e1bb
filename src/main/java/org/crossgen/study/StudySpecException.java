package org.crossgen.study;

import java.util.List;

/**
 * A study spec that cannot run, with every problem found (not just the first), each naming the
 * file and the YAML path of the offending value:
 * <pre>
 * studies/mini.yaml: 2 problems
 *   studies/mini.yaml: train_sizes[0]: sentiment/amazon has no training file of size 3000, sizes: [2000, 4000, 6000]
 *   studies/mini.yaml: eval_shots[0]: must be >= 0, got -1
 * </pre>
 */
public final class StudySpecException extends IllegalArgumentException {
    private final List<String> problems;

    public StudySpecException(String file, List<String> problems) {
        super(message(file, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code <file>: <yaml path>: <what is wrong>}. */
    public List<String> problems() {
        return problems;
    }

    private static String message(String file, List<String> problems) {
        StringBuilder b = new StringBuilder(file).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (String p : problems) b.append("\n  ").append(p);
        return b.toString();
    }
}
