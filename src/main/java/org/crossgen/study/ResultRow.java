package org.crossgen.study;

import org.crossgen.metrics.LabelDistribution;

/**
 * One number of a study: a model (the base, or the base fine-tuned on one training set) evaluated
 * on one test set under one prompt setting. The results store yields these ({@link ResultStore#rows()});
 * the report is made from them and nothing else.
 *
 * @param baseModel    id of the base model (a folder name or path)
 * @param method       how the model came to be (base, FT, FTICL)
 * @param trainDataset training dataset id ({@code sentiment/amazon}); empty for the base model
 * @param trainSize    training records (0 for the base model)
 * @param trainShots   demonstrations prepended to each training prompt (FTICL's k; 0 otherwise)
 * @param seed         training seed (0 for the base model)
 * @param evalDataset  evaluated test set id ({@code sentiment/yelp})
 * @param evalTask     task of the evaluated test set
 * @param template     prompt template id
 * @param shots        demonstrations in each evaluation prompt
 * @param metric       {@code accuracy}, {@code rougeL} (0–1) or {@code bleu} (0–100)
 * @param value        the metric
 * @param ciLower      lower end of its 95% bootstrap interval (NaN if none)
 * @param ciUpper      upper end (NaN if none)
 * @param n            evaluated records
 * @param labels       a classification cell's predicted and gold labels with its majority-class and
 *                     chance accuracy; null for generation, or for rows written before crossgen kept them
 */
public record ResultRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                        String evalDataset, String evalTask, int template, int shots, String metric,
                        double value, double ciLower, double ciUpper, int n, LabelDistribution labels) {
    /** A row without a label distribution. */
    public ResultRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                     String evalDataset, String evalTask, int template, int shots, String metric,
                     double value, double ciLower, double ciUpper, int n) {
        this(baseModel, method, trainDataset, trainSize, trainShots, seed, evalDataset, evalTask, template, shots, metric,
                value, ciLower, ciUpper, n, null);
    }

    public ResultRow {
        if (method == null) throw new IllegalArgumentException("method is missing; known: base, ft, fticl");
        if (method.fineTuned() == trainDataset.isEmpty()) {
            throw new IllegalArgumentException("the base model has no training set and a fine-tuned one has one: " + method.id() + " / \"" + trainDataset + "\"");
        }
    }

    /** The training task ("" for the base model): the part of {@code trainDataset} before the slash. */
    public String trainTask() {
        return trainDataset.isEmpty() ? "" : trainDataset.substring(0, trainDataset.indexOf('/'));
    }
}
