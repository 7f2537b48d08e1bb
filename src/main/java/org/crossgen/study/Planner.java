package org.crossgen.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalSpec;
import org.crossgen.files.ContentHash;

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
            StudySpec.Adapter adapter = spec.adapters().get(model);
            BaseModel base = new BaseModel(model, dir, dir == null ? ABSENT + model : adapter == null ? identify(dir)
                    : ContentHash.sha256("crossgen-adapted-model-v1", identify(dir), identify(adapter.dir())), adapter);
            if (spec.methods().contains(Method.BASE)) cells.addAll(cells(spec, base, null));
            for (String train : spec.trainDatasets()) {
                Dataset trainSet = registry.dataset(train);
                for (int k : trainShots(spec, trainSet.task().name())) {
                    for (int size : spec.trainSizes()) {
                        if (!trainSet.train().containsKey(size)) continue; // left out: see leftOut()
                        for (long seed : spec.seeds()) {
                            TrainingJob job = new TrainingJob(base, train, k == 0 ? Method.FT : Method.FTICL, k, size, seed,
                                    spec.training(), spec.lora(), spec.limits().trainRecords(), spec.dtype(), spec.promptCompat());
                            jobs.add(job);
                            cells.addAll(cells(spec, base, job));
                        }
                    }
                }
            }
        }
        return new StudyPlan(spec, jobs, cells, leftOut(spec));
    }

    /**
     * The identity of a model whose folder is not on this machine ({@link StudySpec#readForPlan}):
     * its keys are provisional, and no store row has them.
     */
    static final String ABSENT = "absent-model:";

    /** One line per training set whose jobs of some spec'd sizes are left out because it has no such file. */
    private List<String> leftOut(StudySpec spec) {
        List<String> lines = new ArrayList<>();
        for (String train : spec.trainDatasets()) {
            Dataset d = registry.dataset(train);
            List<Integer> missing = spec.trainSizes().stream().filter(size -> !d.train().containsKey(size)).toList();
            if (missing.isEmpty()) continue;
            int perSize = trainShots(spec, d.task().name()).size() * spec.seeds().size() * spec.models().size();
            lines.add(train + ": " + perSize * missing.size() + " training jobs of size " + missing.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ")) + " left out: the dataset has no training file of that size"
                    + " (its sizes: " + d.train().keySet() + "; its PROVENANCE.md says why)");
        }
        return lines;
    }

    /** 0 for ft, each k of the training task for fticl, in the order methods lists them. */
    private static List<Integer> trainShots(StudySpec spec, String task) {
        List<Integer> ks = new ArrayList<>();
        for (Method m : spec.methods()) {
            if (m == Method.FT) ks.add(0);
            if (m == Method.FTICL) ks.addAll(ShotGrid.of(spec.ficlShots(), task));
        }
        return ks;
    }

    private List<EvalCell> cells(StudySpec spec, BaseModel base, TrainingJob job) {
        List<EvalCell> out = new ArrayList<>();
        for (String evalSet : spec.evalSets()) {
            Dataset d = registry.dataset(evalSet);
            for (int template : spec.templates()) {
                for (int shots : ShotGrid.of(spec.evalShots(), d.task().name())) {
                    EvalSpec eval = new EvalSpec(evalSet, template, shots, spec.sampler(), spec.evalSeed(), spec.scoring(),
                            spec.limits().evalRecords(d.task()), spec.maxNewTokens(), spec.limits().maxLength(), spec.stemmer(), spec.promptCompat());
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
