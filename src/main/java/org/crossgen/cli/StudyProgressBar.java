package org.crossgen.cli;

import java.io.PrintWriter;
import org.crossgen.study.EvalCell;
import org.crossgen.study.StudyRunner;
import org.crossgen.study.StudyStatus;
import org.crossgen.train.StepMetrics;
import org.crossgen.train.TrainingListener;

/**
 * One self-rewriting line on stderr per phase: {@code evaluation [######----] 6/10  2m 10s left  sentiment/yelp t0 k0 3/5}.
 * The time left is the mean time of the items finished in this run times the items left.
 */
final class StudyProgressBar implements StudyRunner.Listener {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private String phase = "";
    private int total, done, finishedHere;
    private double secondsHere;
    private String current = "";
    private boolean open;

    StudyProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void phase(String name, int total, int done) {
        end();
        this.phase = name;
        this.total = total;
        this.done = done;
        this.finishedHere = 0;
        this.secondsHere = 0;
        draw();
    }

    @Override
    public synchronized void started(String label) {
        current = label;
        draw();
    }

    @Override
    public synchronized void finished(String label, boolean ok, double seconds) {
        done++;
        finishedHere++;
        secondsHere += seconds;
        if (!ok) {
            end();
            err.println("failed: " + label);
        }
        current = "";
        draw();
    }

    /** Per-record progress of the cell in flight. */
    synchronized void record(EvalCell cell, int records, int of) {
        current = cell.label() + " " + records + "/" + of;
        draw();
    }

    /** Training progress of the job in flight. */
    TrainingListener trainingListener() {
        return new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                synchronized (StudyProgressBar.this) {
                    current = String.format(java.util.Locale.ROOT, "step %d/%d loss %.3f %.0f tok/s", m.step(), m.totalSteps(), m.loss(), m.tokensPerS());
                    draw();
                }
            }
        };
    }

    synchronized void end() {
        if (open) err.println();
        open = false;
        err.flush();
    }

    private void draw() {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * Math.min(done, total) / total);
        String left = finishedHere == 0 ? "" : "  " + StudyStatus.duration(secondsHere / finishedHere * Math.max(0, total - done)) + " left";
        err.print("\r" + phase + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total + left
                + (current.isEmpty() ? "" : "  " + current) + "\033[K");
        err.flush();
        open = true;
    }
}
