package org.crossgen.report;

import java.util.List;

/**
 * The loss curve of one training job.
 *
 * @param job    the job's label, e.g. "fticl k=4 sentiment/amazon seed 1"
 * @param points in step order
 */
public record LossCurve(String job, List<LossPoint> points) {
    public LossCurve {
        points = List.copyOf(points);
    }
}
