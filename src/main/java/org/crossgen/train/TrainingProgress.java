package org.crossgen.train;

import java.util.Locale;
import org.crossgen.progress.ProgressBar;

/** Renders a run's steps on a {@link ProgressBar}: step count, loss, tokens/s and ETA. */
public final class TrainingProgress implements TrainingListener {
    private final ProgressBar bar;

    public TrainingProgress(ProgressBar bar) {
        this.bar = bar;
    }

    @Override
    public void onStart(long startStep, long totalSteps) {
        bar.start(startStep, totalSteps);
    }

    @Override
    public void onStep(StepMetrics m) {
        bar.update(m.step(), String.format(Locale.ROOT, "epoch %.2f | loss %.4f | lr %.2e | %,.0f tok/s",
                m.epoch(), m.loss(), m.lr(), m.tokensPerS()));
    }

    @Override
    public void onEnd(TrainResult result) {
        bar.close();
    }
}
