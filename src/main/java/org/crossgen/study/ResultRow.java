package org.crossgen.study;

import com.fasterxml.jackson.annotation.JsonCreator;
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
 * @param truncated    records whose prompt was fitted to the token budget (demonstrations dropped or input cut)
 * @param lostDemonstrations records whose prompt lost at least one demonstration (fewer shots than {@code shots})
 * @param labels       a classification cell's predicted and gold labels with its majority-class and
 *                     chance accuracy; null for generation, or for rows written before crossgen kept them
 */
public record ResultRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                        String evalDataset, String evalTask, int template, int shots, String metric,
                        double value, double ciLower, double ciUpper, int n, int truncated, int lostDemonstrations,
                        LabelDistribution labels) {
    /** Share of a cell's records that may lose demonstrations before the report warns: the cell is no longer its shot count. */
    public static final double LOST_DEMONSTRATIONS_WARNING = 0.01;

    /** A row with a label distribution whose prompts were all evaluated as built (nothing truncated). */
    public ResultRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                     String evalDataset, String evalTask, int template, int shots, String metric,
                     double value, double ciLower, double ciUpper, int n, LabelDistribution labels) {
        this(baseModel, method, trainDataset, trainSize, trainShots, seed, evalDataset, evalTask, template, shots, metric,
                value, ciLower, ciUpper, n, 0, 0, labels);
    }

    /** A row with fitting counts and no label distribution. */
    public ResultRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                     String evalDataset, String evalTask, int template, int shots, String metric,
                     double value, double ciLower, double ciUpper, int n, int truncated, int lostDemonstrations) {
        this(baseModel, method, trainDataset, trainSize, trainShots, seed, evalDataset, evalTask, template, shots, metric,
                value, ciLower, ciUpper, n, truncated, lostDemonstrations, null);
    }

    /** A row without a label distribution whose prompts were all evaluated as built. */
    public ResultRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                     String evalDataset, String evalTask, int template, int shots, String metric,
                     double value, double ciLower, double ciUpper, int n) {
        this(baseModel, method, trainDataset, trainSize, trainShots, seed, evalDataset, evalTask, template, shots, metric,
                value, ciLower, ciUpper, n, 0, 0, null);
    }

    @JsonCreator
    public ResultRow {
        if (method == null) throw new IllegalArgumentException("method is missing; known: base, ft, fticl");
        if (method.fineTuned() == trainDataset.isEmpty()) {
            throw new IllegalArgumentException("the base model has no training set and a fine-tuned one has one: " + method.id() + " / \"" + trainDataset + "\"");
        }
    }

    /** Whether more than {@link #LOST_DEMONSTRATIONS_WARNING} of the records lost demonstrations to truncation. */
    public boolean lostDemonstrationsOften() {
        return n > 0 && lostDemonstrations > LOST_DEMONSTRATIONS_WARNING * n;
    }

    /** The training task ("" for the base model): the part of {@code trainDataset} before the slash. */
    public String trainTask() {
        return trainDataset.isEmpty() ? "" : trainDataset.substring(0, trainDataset.indexOf('/'));
    }
}
