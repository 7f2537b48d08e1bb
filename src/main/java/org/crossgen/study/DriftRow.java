package org.crossgen.study;

/**
 * One measure of how far a fine-tuned model moved from its base model (see {@link DriftMeter}).
 * The study writes these next to its {@link ResultRow}s; the report joins the two on the model's
 * identity (base model, method, training set and size, k, seed).
 *
 * @param baseModel    id of the base model, as in {@link ResultRow#baseModel}
 * @param method       FT or FTICL
 * @param trainDataset training dataset id ({@code sentiment/amazon})
 * @param trainSize    training records
 * @param trainShots   FTICL's k (0 for FT)
 * @param seed         training seed
 * @param measure      {@link #RELATIVE_CHANGE} or {@link #KL}
 * @param part         for relative change: {@code embed}, {@code layer.<i>}, {@code head} (final
 *                     norm and an untied output matrix) or {@code all}; for KL: {@code next_token}
 * @param value        ‖W_ft − W_base‖_F / ‖W_base‖_F over the part's weights, or the mean
 *                     KL(p_base ‖ p_ft) in nats per predicted token
 * @param n            parameters in the part, or token positions averaged over for KL
 */
public record DriftRow(String baseModel, Method method, String trainDataset, int trainSize, int trainShots, long seed,
                       String measure, String part, double value, long n) {
    public static final String RELATIVE_CHANGE = "relative_change";
    public static final String KL = "kl";
    /** The part of a relative-change row that covers every weight. */
    public static final String ALL = "all";
    /** The part of a KL row. */
    public static final String NEXT_TOKEN = "next_token";

    public DriftRow {
        if (method == null || !method.fineTuned()) {
            throw new IllegalArgumentException("drift is measured for fine-tuned models: method must be ft or fticl, got " + method);
        }
        if (!measure.equals(RELATIVE_CHANGE) && !measure.equals(KL)) {
            throw new IllegalArgumentException("measure must be " + RELATIVE_CHANGE + " or " + KL + ", got " + measure);
        }
    }
}
