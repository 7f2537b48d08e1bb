package org.crossgen.study;

import java.nio.file.Path;
import org.crossgen.eval.EvalSpec;
import org.crossgen.eval.ScoringMode;
import org.crossgen.report.ResultRow;

/**
 * One evaluation of a study: a model (the base, or one training job's result) on one test set
 * under one template and shot count. Its {@link #key()} is the primary key in the results store.
 *
 * @param modelKey       base model identity or training job key
 * @param jobKey         the training job producing the model ("" for the base model)
 * @param baseModel      the base model as the spec names it
 * @param baseDir        the base model's folder on this machine (not part of the key)
 * @param method         {@code base}, {@code ft} or {@code fticl}
 * @param trainDataset   training set id ("" for the base model)
 * @param trainSize      training size (0 for the base model)
 * @param trainShots     FTICL's k (0 otherwise)
 * @param seed           training seed (0 for the base model)
 * @param evalDataset    evaluated test set id
 * @param evalTask       its task
 * @param classification whether the task is scored by label choice (else by generation)
 * @param template       prompt template id
 * @param shots          demonstrations per prompt
 * @param sampler        demonstration sampler ({@code paper} or {@code random})
 * @param evalSeed       sampler and bootstrap seed
 * @param scoring        classification scoring mode
 * @param limit          first n test records (0 = all)
 * @param maxNewTokens   generation budget
 * @param maxLength      prompt (+ generation) token budget
 * @param stemmer        Porter-stem ROUGE tokens
 * @param dtype          compute dtype name
 */
public record EvalCell(String modelKey, String jobKey, String baseModel, Path baseDir, String method, String trainDataset,
                       int trainSize, int trainShots, long seed, String evalDataset, String evalTask, boolean classification,
                       int template, int shots, String sampler, long evalSeed, ScoringMode scoring, int limit,
                       int maxNewTokens, int maxLength, boolean stemmer, String dtype) {
    public EvalCell {
        if (shots < 0) throw new IllegalArgumentException("shots must be >= 0, got " + shots);
        if (method.equals("base") != jobKey.isEmpty()) {
            throw new IllegalArgumentException("a base-model cell has no training job and a fine-tuned one has one: " + method);
        }
    }

    /**
     * SHA-256 of everything that decides the result; the same on every run and machine. Settings a
     * cell ignores are hashed as "-" so changing them does not redo it: the sampler at 0 shots,
     * the scoring mode of a generation task, the generation budget and stemmer of a classification task.
     */
    public String key() {
        return ContentHash.sha256("crossgen-eval-cell-v1", modelKey, evalDataset, Integer.toString(template),
                Integer.toString(shots), shots == 0 ? "-" : sampler, Long.toString(evalSeed),
                classification ? scoring.cliName : "-", Integer.toString(limit),
                classification ? "-" : Integer.toString(maxNewTokens), Integer.toString(maxLength),
                classification ? "-" : Boolean.toString(stemmer), dtype);
    }

    /** What {@link org.crossgen.eval.Evaluator} needs besides the model. */
    public EvalSpec evalSpec() {
        return new EvalSpec(evalDataset, template, shots, sampler, evalSeed, scoring, limit, maxNewTokens, maxLength, stemmer);
    }

    /** A readable name: {@code ft sentiment/amazon n=2000 seed=1 -> sentiment/yelp t0 k0}. */
    public String label() {
        String model = method.equals("base") ? "base " + baseModel
                : (method.equals("ft") ? "ft" : "fticl" + trainShots) + " " + trainDataset + " n=" + trainSize + " seed=" + seed;
        return model + " -> " + evalDataset + " t" + template + " k" + shots;
    }

    /** The result row of metric {@code metric} of this cell. */
    ResultRow row(String metric, double value, double ciLower, double ciUpper, int n) {
        return new ResultRow(baseModel, method, trainDataset, trainSize, trainShots, seed, evalDataset, evalTask, template,
                shots, metric, value, ciLower, ciUpper, n);
    }
}
