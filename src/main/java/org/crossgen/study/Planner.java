package org.crossgen.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;

/**
 * Expands a spec into its training jobs (base model x training set x method x size x seed, where
 * a method is {@code ft} or {@code fticl} with each k) and its evaluation cells (model x test set
 * x template x shots, for the base model when {@code methods} has {@code base} and for every job).
 */
public final class Planner {
    private final TaskRegistry registry;
    private final ModelIdentity identity;

    public Planner(TaskRegistry registry, ModelIdentity identity) {
        this.registry = registry;
        this.identity = identity;
    }

    public StudyPlan plan(StudySpec spec) {
        List<TrainingJob> jobs = new ArrayList<>();
        List<EvalCell> cells = new ArrayList<>();
        for (String model : spec.models()) {
            Path dir = spec.modelDirs().get(model);
            String baseKey = identify(dir);
            if (spec.methods().contains("base")) {
                cells.addAll(cells(spec, baseKey, "", model, dir, "base", "", 0, 0, 0));
            }
            for (String train : spec.trainDatasets()) {
                for (int k : trainShots(spec)) {
                    String method = k == 0 ? "ft" : "fticl";
                    for (int size : spec.trainSizes()) {
                        for (long seed : spec.seeds()) {
                            TrainingJob job = new TrainingJob(model, dir, baseKey, train, method, k, size, seed,
                                    spec.training(), spec.lora(), spec.limits().trainRecords(), spec.dtype());
                            jobs.add(job);
                            cells.addAll(cells(spec, job.key(), job.key(), model, dir, method, train, size, k, seed));
                        }
                    }
                }
            }
        }
        return new StudyPlan(spec, jobs, cells);
    }

    /** 0 for ft, each k for fticl, in the order methods lists them. */
    private static List<Integer> trainShots(StudySpec spec) {
        List<Integer> ks = new ArrayList<>();
        for (String m : spec.methods()) {
            if (m.equals("ft")) ks.add(0);
            if (m.equals("fticl")) ks.addAll(spec.ficlShots());
        }
        return ks;
    }

    private List<EvalCell> cells(StudySpec spec, String modelKey, String jobKey, String model, Path dir, String method,
                                 String train, int size, int k, long seed) {
        List<EvalCell> out = new ArrayList<>();
        for (String evalSet : spec.evalSets()) {
            Dataset d = registry.dataset(evalSet);
            for (int template : spec.templates()) {
                for (int shots : spec.evalShots()) {
                    out.add(new EvalCell(modelKey, jobKey, model, dir, method, train, size, k, seed, evalSet,
                            d.task().name(), d.task().isClassification(), template, shots, spec.sampler(), spec.evalSeed(),
                            spec.scoring(), spec.limits().evalRecords(), spec.maxNewTokens(), spec.limits().maxLength(),
                            spec.stemmer(), spec.dtype()));
                }
            }
        }
        return out;
    }

    private String identify(Path dir) {
        try {
            return identity.of(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot identify the model in " + dir + ": " + e.getMessage(), e);
        }
    }
}
