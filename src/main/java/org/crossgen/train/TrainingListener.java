package org.crossgen.train;

/** Hooks a caller (the CLI's progress bar, a test) receives while a run trains; all no-ops by default. */
public interface TrainingListener {
    /** Training begins at optimizer step {@code startStep} (0, or the resumed step) of {@code totalSteps}. */
    default void onStart(long startStep, long totalSteps) {}

    /** After every optimizer step. */
    default void onStep(StepMetrics m) {}

    /** After a checkpoint folder is complete. */
    default void onCheckpoint(long step, java.nio.file.Path dir) {}

    /** After the last step and the final save. */
    default void onEnd(TrainResult result) {}

    TrainingListener NONE = new TrainingListener() {};
}
