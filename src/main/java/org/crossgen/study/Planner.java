package org.crossgen.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalSpec;

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
            BaseModel base = new BaseModel(model, dir, identify(dir));
            if (spec.methods().contains(Method.BASE)) cells.addAll(cells(spec, base, null));
            for (String train : spec.trainDatasets()) {
                for (int k : trainShots(spec)) {
                    for (int size : spec.trainSizes()) {
                        for (long seed : spec.seeds()) {
                            TrainingJob job = new TrainingJob(base, train, k == 0 ? Method.FT : Method.FTICL, k, size, seed,
                                    spec.training(), spec.lora(), spec.limits().trainRecords(), spec.dtype());
                            jobs.add(job);
                            cells.addAll(cells(spec, base, job));
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
        for (Method m : spec.methods()) {
            if (m == Method.FT) ks.add(0);
            if (m == Method.FTICL) ks.addAll(spec.ficlShots());
        }
        return ks;
    }

    private List<EvalCell> cells(StudySpec spec, BaseModel base, TrainingJob job) {
        List<EvalCell> out = new ArrayList<>();
        for (String evalSet : spec.evalSets()) {
            Dataset d = registry.dataset(evalSet);
            for (int template : spec.templates()) {
                for (int shots : spec.evalShots()) {
                    EvalSpec eval = new EvalSpec(evalSet, template, shots, spec.sampler(), spec.evalSeed(), spec.scoring(),
                            spec.limits().evalRecords(d.task()), spec.maxNewTokens(), spec.limits().maxLength(), spec.stemmer());
                    out.add(new EvalCell(base, job, d.task(), eval, spec.dtype()));
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
