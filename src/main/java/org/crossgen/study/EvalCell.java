package org.crossgen.study;

import java.util.ArrayList;
import java.util.List;
import org.crossgen.data.Task;
import org.crossgen.eval.EvalSpec;
import org.crossgen.files.ContentHash;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.tensor.DType;

/**
 * One evaluation of a study: a model (the base, or one training job's result) on one test set
 * under one prompt setting. Its {@link #key()} is the primary key in the results store.
 *
 * @param base  the base model
 * @param job   the training job whose result is evaluated; null for the base model itself
 * @param task  the task of the evaluated test set
 * @param eval  test set, template, shots and every other evaluation setting
 * @param dtype compute dtype
 */
public record EvalCell(BaseModel base, TrainingJob job, Task task, EvalSpec eval, DType dtype) {
    public EvalCell {
        if (job != null && !job.base().equals(base)) {
            throw new IllegalArgumentException("cell of " + base.name() + ": its training job fine-tunes " + job.base().name());
        }
    }

    /** The evaluated model's key: the base model's identity, or the training job's key. */
    public String modelKey() {
        return job == null ? base.identity() : job.key();
    }

    /** The training job's key; "" for the base model. */
    public String jobKey() {
        return job == null ? "" : job.key();
    }

    /** {@link Method#BASE}, or the job's method. */
    public Method method() {
        return job == null ? Method.BASE : job.method();
    }

    /**
     * SHA-256 of everything that decides the result; the same on every run and machine. Settings a
     * cell ignores are hashed as "-" so changing them does not redo it: the sampler at 0 shots,
     * the scoring mode of a generation task, the generation budget and stemmer of a classification task.
     */
    public String key() {
        boolean classification = task.isClassification();
        List<String> parts = new ArrayList<>(List.of("crossgen-eval-cell-v1", modelKey(), eval.dataset(), Integer.toString(eval.template()),
                Integer.toString(eval.shots()), eval.shots() == 0 ? "-" : eval.sampler().id(), Long.toString(eval.seed()),
                classification ? eval.scoring().cliName : "-", Integer.toString(eval.limit()),
                classification ? "-" : Integer.toString(eval.maxNewTokens()), Integer.toString(eval.maxLength()),
                classification ? "-" : Boolean.toString(eval.stemmer()), dtype.torchName()));
        // hashed only when not the default, so every key made before the setting existed stays the same
        if (eval.promptCompat() != PromptCompat.CROSSGEN) parts.add("prompt-compat=" + eval.promptCompat().id());
        return ContentHash.sha256(parts.toArray(String[]::new));
    }

    /** A readable name: {@code ft sentiment/amazon n=2000 seed=1 -> sentiment/yelp t0 k0}. */
    public String label() {
        return (job == null ? "base " + base.name() : job.label()) + " -> " + eval.dataset() + " t" + eval.template() + " k" + eval.shots();
    }
}
