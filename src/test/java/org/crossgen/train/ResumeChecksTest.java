package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.progress.ProgressBar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeChecksTest {
    @TempDir Path tmp;

    @Test
    void resumeRefusesOtherDataAndFreshStartRefusesUsedFolder() throws Exception {
        TrainConfig cfg = TrainConfig.builder().epochs(1).microBatchSize(4).gradientAccumulation(1).maxLength(16).build();
        try (LlamaModel model = TinyTask.model(1); SftRun run = new SftRun(model, TinyTask.examples(4, 1), cfg, tmp)) {
            run.setUp();
            run.train();
        }
        try (LlamaModel model = TinyTask.model(1)) {
            var fresh = assertThrows(IllegalStateException.class, () -> new SftRun(model, TinyTask.examples(4, 1), cfg, tmp).setUp());
            assertTrue(fresh.getMessage().contains("already holds checkpoints"), fresh.getMessage());
            var other = assertThrows(IllegalStateException.class, () -> new SftRun(model, TinyTask.examples(4, 2), cfg, tmp).resume());
            assertTrue(other.getMessage().contains("step-00000001/trainer_state.json: data_sha256"), other.getMessage());
            var lr = assertThrows(IllegalStateException.class,
                    () -> new SftRun(model, TinyTask.examples(4, 1), cfg.toBuilder().learningRate(1e-3).build(), tmp).resume());
            assertTrue(lr.getMessage().endsWith("config differs from the checkpoint's: [learningRate 2.0E-5 -> 0.001]"), lr.getMessage());
        }
    }

    @Test
    void progressBarShowsStepsLossAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "train", 4, true)) {
            TrainingProgress p = new TrainingProgress(bar);
            p.onStart(0, 4);
            p.onStep(new StepMetrics(4, 4, 1.0, 1.25, 2e-5, 0.5, 100, 1234, 2.0));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\rtrain [##############################] 4/4 100% | epoch 1.00 | loss 1.2500 | lr 2.00e-05 "
                + "| 1,234 tok/s | ETA 00:00"), out);
        assertTrue(out.endsWith(System.lineSeparator()));
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        try (ProgressBar off = new ProgressBar(new PrintStream(none), "x", 3, false)) {
            off.update(1, "y");
        }
        assertEquals(0, none.size());
    }
}
