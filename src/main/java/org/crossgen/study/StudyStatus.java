package org.crossgen.study;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a study stands, from its results store alone: per phase, how many jobs or cells of the
 * last registered plan are done, running, failed and left, and an ETA ({@link Eta}, each job or
 * cell one unit: the mean time of finished ones of the same task or training set, else of the phase).
 *
 * @param jobs       training phase counts
 * @param cells      evaluation phase counts
 * @param etaSeconds estimated seconds for the work left; NaN when nothing finished yet to measure
 * @param failed     label and first error line of each failed job or cell
 * @param running    label and worker of each running job or cell
 * @param byHost     per worker host (the {@code host} of {@code host:pid}), its done, running and failed jobs and
 *                   cells together: how the work spread over the nodes of a cluster
 */
public record StudyStatus(Counts jobs, Counts cells, double etaSeconds, List<String> failed, List<String> running,
                          Map<String, Counts> byHost) {
    /** Counts of one phase; {@code left} is pending work. */
    public record Counts(int done, int running, int failed, int left) {
        public int total() {
            return done + running + failed + left;
        }

        static Counts of(List<ResultStore.WorkRow> rows) {
            int d = 0, r = 0, f = 0, l = 0;
            for (ResultStore.WorkRow w : rows) {
                switch (w.state()) {
                    case DONE -> d++;
                    case RUNNING -> r++;
                    case FAILED -> f++;
                    case PENDING -> l++;
                }
            }
            return new Counts(d, r, f, l);
        }
    }

    public static StudyStatus of(ResultStore store) throws IOException {
        List<ResultStore.WorkRow> jobs = store.workRows(ResultStore.Table.JOBS);
        List<ResultStore.WorkRow> cells = store.workRows(ResultStore.Table.CELLS);
        double eta = Eta.of(jobs, key -> 1, Double.NaN).seconds() + Eta.of(cells, key -> 1, Double.NaN).seconds();
        List<String> failed = new java.util.ArrayList<>(), running = new java.util.ArrayList<>();
        for (var rows : List.of(jobs, cells)) {
            for (ResultStore.WorkRow w : rows) {
                if (w.state() == WorkState.FAILED) failed.add(w.label() + ": " + StudyWorker.firstLine(w.error()));
                if (w.state() == WorkState.RUNNING) running.add(w.label() + " (worker " + w.worker() + ", attempt " + w.attempts() + ")");
            }
        }
        return new StudyStatus(Counts.of(jobs), Counts.of(cells), eta, failed, running, byHost(jobs, cells));
    }

    /** Done, running and failed rows per worker host (pending rows belong to no one), hosts sorted. */
    private static Map<String, Counts> byHost(List<ResultStore.WorkRow> jobs, List<ResultStore.WorkRow> cells) {
        Map<String, List<ResultStore.WorkRow>> rows = new TreeMap<>();
        for (var list : List.of(jobs, cells)) {
            for (ResultStore.WorkRow w : list) {
                if (w.worker() == null || w.state() == WorkState.PENDING) continue;
                int colon = w.worker().lastIndexOf(':');
                rows.computeIfAbsent(colon < 0 ? w.worker() : w.worker().substring(0, colon), h -> new ArrayList<>()).add(w);
            }
        }
        Map<String, Counts> out = new LinkedHashMap<>();
        rows.forEach((host, list) -> out.put(host, Counts.of(list)));
        return out;
    }

    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(line("training", jobs)).append('\n').append(line("evaluation", cells)).append('\n');
        b.append("ETA: ").append(Double.isNaN(etaSeconds) ? "unknown (nothing finished yet to measure throughput)" : duration(etaSeconds));
        if (!byHost.isEmpty()) {
            b.append("\nby host:");
            byHost.forEach((host, c) -> b.append(String.format("%n  %s: done %d, running %d, failed %d", host, c.done(),
                    c.running(), c.failed())));
        }
        if (!running.isEmpty()) {
            b.append("\nrunning:");
            for (String r : running) b.append("\n  ").append(r);
        }
        if (!failed.isEmpty()) {
            b.append("\nfailed:");
            for (String f : failed) b.append("\n  ").append(f);
        }
        return b.toString();
    }

    private static String line(String phase, Counts c) {
        return String.format("%-11s done %d, running %d, failed %d, left %d (of %d)", phase + ":", c.done(), c.running(),
                c.failed(), c.left(), c.total());
    }

    /** {@code 1h 02m}, {@code 3m 20s}, {@code 12s}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format("%dm %02ds", s / 60, s % 60);
        return s + "s";
    }
}
