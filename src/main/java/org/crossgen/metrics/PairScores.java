package org.crossgen.metrics;

/**
 * One pair's scores: ROUGE F-measures in [0, 1] and sentence BLEU on the 0–100 scale.
 *
 * @param rouge1       ROUGE-1 F
 * @param rouge2       ROUGE-2 F
 * @param rougeL       ROUGE-L F
 * @param rougeLsum    ROUGE-Lsum F
 * @param sentenceBleu {@link Bleu#sentenceScore} of the pair
 */
public record PairScores(double rouge1, double rouge2, double rougeL, double rougeLsum, double sentenceBleu) {
    /** The F-measure of one ROUGE variant. */
    public double rougeF(RougeType type) {
        return switch (type) {
            case ROUGE1 -> rouge1;
            case ROUGE2 -> rouge2;
            case ROUGE_L -> rougeL;
            case ROUGE_LSUM -> rougeLsum;
        };
    }
}
