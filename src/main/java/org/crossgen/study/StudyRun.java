package org.crossgen.study;

import java.util.List;

/**
 * What one {@link StudyRunner#run} did and where the study stands after it.
 *
 * @param jobsTrained  jobs trained by this run
 * @param cellsRun     cells evaluated by this run
 * @param jobsDone     jobs of the plan done (by any run)
 * @param jobsTotal    jobs in the plan
 * @param cellsDone    cells of the plan done (by any run)
 * @param cellsTotal   cells in the plan
 * @param failures     one line per job or cell of the plan that failed: label and first line of its error
 */
public record StudyRun(int jobsTrained, int cellsRun, int jobsDone, int jobsTotal, int cellsDone, int cellsTotal,
                       List<String> failures) {
    public StudyRun {
        failures = List.copyOf(failures);
    }

    /** Whether every job and cell of the plan is done. */
    public boolean complete() {
        return jobsDone == jobsTotal && cellsDone == cellsTotal;
    }

    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append("trained ").append(jobsTrained).append(" job(s), evaluated ").append(cellsRun).append(" cell(s) in this run\n");
        b.append("training jobs done ").append(jobsDone).append('/').append(jobsTotal)
                .append(", cells done ").append(cellsDone).append('/').append(cellsTotal);
        if (!failures.isEmpty()) {
            b.append("\n").append(failures.size()).append(" failed:");
            for (String f : failures) b.append("\n  ").append(f);
        } else if (!complete()) {
            b.append("\nsome work is held by other workers or waits for their training jobs; run again or check `crossgen study status`");
        }
        return b.toString();
    }
}
