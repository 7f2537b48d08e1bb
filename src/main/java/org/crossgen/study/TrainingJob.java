package org.crossgen.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One fine-tuning run of a study: a base model trained on one training file with one method and
 * seed. Its {@link #key()} names the checkpoint folder and the row in the results store.
 *
 * @param baseModel     the base model as the spec names it (folder or {@code default})
 * @param baseDir       the base model's folder on this machine (not part of the key)
 * @param baseIdentity  the base model's content identity ({@link ModelIdentity})
 * @param trainDataset  training dataset id, e.g. {@code sentiment/amazon}
 * @param method        {@code ft} or {@code fticl}
 * @param trainShots    demonstrations prepended to each training prompt (FTICL's k; 0 for ft)
 * @param trainSize     nominal size of the training file
 * @param seed          training seed (data order, dropout, LoRA init)
 * @param training      optimisation settings
 * @param lora          LoRA settings, or null for full fine-tuning
 * @param trainRecords  train on the first n records of the file (0 = all)
 * @param dtype         compute dtype name
 */
public record TrainingJob(String baseModel, Path baseDir, String baseIdentity, String trainDataset, String method,
                          int trainShots, int trainSize, long seed, StudySpec.Training training, StudySpec.Lora lora,
                          int trainRecords, String dtype) {
    public TrainingJob {
        if (!method.equals("ft") && !method.equals("fticl")) throw new IllegalArgumentException("method must be ft or fticl, got " + method);
        if (method.equals("ft") != (trainShots == 0)) {
            throw new IllegalArgumentException(method + " with " + trainShots + " training shots: ft has 0, fticl at least 1");
        }
    }

    /** SHA-256 of everything that decides the trained weights; the same on every run and machine. */
    public String key() {
        List<String> parts = new ArrayList<>(List.of("crossgen-training-job-v1", baseIdentity, trainDataset, method,
                Integer.toString(trainShots), Integer.toString(trainSize), Long.toString(seed),
                Integer.toString(training.epochs()), Double.toString(training.lr()), Integer.toString(training.batchSize()),
                training.schedule(), Double.toString(training.warmupRatio()), Double.toString(training.weightDecay()),
                Integer.toString(training.maxLength()), Integer.toString(training.template()),
                Integer.toString(trainRecords), dtype));
        if (lora == null) {
            parts.add("full");
        } else {
            parts.addAll(List.of("lora", Integer.toString(lora.r()), Double.toString(lora.alpha()),
                    Double.toString(lora.dropout()), String.join(",", lora.targets())));
        }
        return ContentHash.sha256(parts.toArray(String[]::new));
    }

    /** A readable name: {@code fticl3 sentiment/amazon n=2000 seed=1}. */
    public String label() {
        return (method.equals("ft") ? "ft" : "fticl" + trainShots) + " " + trainDataset + " n=" + trainSize + " seed=" + seed;
    }
}
