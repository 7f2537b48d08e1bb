package org.crossgen.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crossgen.files.ContentHash;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.tensor.DType;

/**
 * One fine-tuning run of a study: a base model trained on one training file with one method and
 * seed. Its {@link #key()} names the checkpoint folder and the row in the results store.
 *
 * @param base          the base model
 * @param trainDataset  training dataset id, e.g. {@code sentiment/amazon}
 * @param method        {@link Method#FT} or {@link Method#FTICL}
 * @param trainShots    demonstrations prepended to each training prompt (FTICL's k; 0 for FT)
 * @param trainSize     nominal size of the training file
 * @param seed          training seed (data order, dropout, LoRA init)
 * @param training      optimisation settings
 * @param lora          LoRA settings, or null for full fine-tuning
 * @param trainRecords  train on the first n records of the file (0 = all)
 * @param dtype         compute dtype
 * @param promptCompat  how training text is fitted to the max length (crossgen's or the paper's)
 */
public record TrainingJob(BaseModel base, String trainDataset, Method method, int trainShots, int trainSize, long seed,
                          StudySpec.Training training, StudySpec.Lora lora, int trainRecords, DType dtype, PromptCompat promptCompat) {
    /** With crossgen's prompt rules. */
    public TrainingJob(BaseModel base, String trainDataset, Method method, int trainShots, int trainSize, long seed,
                       StudySpec.Training training, StudySpec.Lora lora, int trainRecords, DType dtype) {
        this(base, trainDataset, method, trainShots, trainSize, seed, training, lora, trainRecords, dtype, PromptCompat.CROSSGEN);
    }

    public TrainingJob {
        if (!method.fineTuned()) throw new IllegalArgumentException("a training job's method is ft or fticl, got " + method.id());
        if ((method == Method.FT) != (trainShots == 0)) {
            throw new IllegalArgumentException(method.id() + " with " + trainShots + " training shots: ft has 0, fticl at least 1");
        }
    }

    /**
     * SHA-256 of everything that decides the trained weights; the same on every run and machine.
     * Enums are hashed by the spellings specs use ({@code ft}, {@code linear}, {@code float32}).
     */
    public String key() {
        List<String> parts = new ArrayList<>(List.of("crossgen-training-job-v1", base.identity(), trainDataset, method.id(),
                Integer.toString(trainShots), Integer.toString(trainSize), Long.toString(seed),
                Integer.toString(training.epochs()), Double.toString(training.lr()), Integer.toString(training.batchSize()),
                training.schedule().name().toLowerCase(Locale.ROOT), Double.toString(training.warmupRatio()),
                Double.toString(training.weightDecay()), Integer.toString(training.maxLength()),
                Integer.toString(training.template()), Integer.toString(trainRecords), dtype.torchName()));
        // Only settings away from their defaults are hashed, so keys of earlier specs stay. Ranks and ZeRO change the
        // weights by float rounding (sums in another order); activation checkpointing recomputes exactly: not hashed.
        if (training.ranks() > 1) parts.add("ranks=" + training.ranks());
        if (training.zero().sharded()) parts.add("zero=" + training.zero().stage);
        if (lora == null) {
            parts.add("full");
        } else {
            parts.addAll(List.of("lora", Integer.toString(lora.r()), Double.toString(lora.alpha()),
                    Double.toString(lora.dropout()), String.join(",", lora.targets())));
        }
        // hashed only when not the default, so every key made before the setting existed stays the same
        if (promptCompat != PromptCompat.CROSSGEN) parts.add("prompt-compat=" + promptCompat.id());
        return ContentHash.sha256(parts.toArray(String[]::new));
    }

    /** A readable name: {@code fticl3 sentiment/amazon n=2000 seed=1}. */
    public String label() {
        return (method == Method.FT ? "ft" : "fticl" + trainShots) + " " + trainDataset + " n=" + trainSize + " seed=" + seed;
    }
}
