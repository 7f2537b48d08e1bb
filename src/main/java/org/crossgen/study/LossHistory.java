package org.crossgen.study;

import java.util.List;

/**
 * The training loss of one job, step by step, as its {@code metrics.jsonl} recorded it.
 *
 * @param job    the job's label, e.g. "fticl4 sentiment/amazon n=2000 seed=1"
 * @param points in step order
 */
public record LossHistory(String job, List<LossPoint> points) {
    public LossHistory {
        points = List.copyOf(points);
    }
}
