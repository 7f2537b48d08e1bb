package org.crossgen.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.crossgen.progress.ProgressBar;
import org.crossgen.study.EvalCell;
import org.crossgen.study.StudyRunner;
import org.crossgen.train.StepMetrics;
import org.crossgen.train.TrainingListener;

/**
 * A study run on one {@link ProgressBar} per phase:
 * {@code evaluation [######....] 6/10  60% | sentiment/yelp t0 k0 3/5 | ETA 02:10}, with the job
 * or cell in flight (and its records or training steps) as the status, and a line per failure.
 */
final class StudyProgressBar implements StudyRunner.Listener {
    private final PrintWriter err;
    private final ProgressBar.Mode mode;
    private ProgressBar bar;
    private long done;

    StudyProgressBar(PrintWriter err, ProgressBar.Mode mode) {
        this.err = err;
        this.mode = mode;
    }

    @Override
    public synchronized void phase(String name, int total, int done) {
        end();
        this.done = done;
        bar = new ProgressBar(err, name, total, mode, System::nanoTime);
        bar.start(done, total);
    }

    @Override
    public synchronized void started(String label) {
        show(label);
    }

    @Override
    public synchronized void finished(String label, boolean ok, double seconds) {
        done++;
        if (!ok && bar != null) bar.println("failed: " + label);
        show("");
    }

    @Override
    public synchronized void done(int done) {
        this.done = done;
        show("");
    }

    /** Per-record progress of the cell in flight. */
    synchronized void record(EvalCell cell, int records, int of) {
        show(cell.label() + " " + records + "/" + of);
    }

    /** Training progress of the job in flight. */
    TrainingListener trainingListener() {
        return new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                synchronized (StudyProgressBar.this) {
                    show(String.format(Locale.ROOT, "step %d/%d loss %.3f %.0f tok/s", m.step(), m.totalSteps(), m.loss(), m.tokensPerS()));
                }
            }
        };
    }

    private void show(String status) {
        if (bar != null) bar.update(done, status);
    }

    synchronized void end() {
        if (bar != null) bar.close();
        bar = null;
    }
}
