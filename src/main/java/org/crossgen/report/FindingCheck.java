package org.crossgen.report;

import java.util.List;
import java.util.Locale;

/**
 * One of the paper's findings checked against the study's numbers.
 *
 * @param id       "1a", "2b", … (finding number, then sub-check)
 * @param claim    the paper's claim, in words
 * @param measure  what is averaged, e.g. "mean ΔROUGE-L vs base over (FT model, out-of-domain test set, setting) pairs"
 * @param verdict  supported / not supported / inconclusive / not evaluated
 * @param mean     the measure (NaN if not evaluated)
 * @param ciLower  lower end of its 95% interval (NaN if none)
 * @param ciUpper  upper end
 * @param pairs    pairs the measure averages over
 * @param degeneratePairs pairs in which a compared classifier cell is degenerate (one label takes more
 *                 than 95% of its predictions): its accuracy there is the label prior, not skill
 * @param evidence one line per pair, for the report's details
 */
public record FindingCheck(String id, String claim, String measure, Verdict verdict, double mean, double ciLower,
                           double ciUpper, int pairs, int degeneratePairs, List<String> evidence) {
    public FindingCheck {
        evidence = List.copyOf(evidence);
    }

    /** "1a Generation-task FT models lose …: mean ΔROUGE-L = -0.031 [95% CI -0.050, -0.012] over 12 pairs → supported". */
    public String sentence() {
        if (verdict == Verdict.NOT_EVALUATED) return id + " " + claim + ": no pairs to measure → " + verdict.text();
        String ci = Double.isNaN(ciLower) ? "no interval"
                : String.format(Locale.ROOT, "95%% CI %+.4f, %+.4f", ciLower, ciUpper);
        String why = verdict == Verdict.INCONCLUSIVE ? (Double.isNaN(ciLower) ? " (no interval)" : " (CI spans 0)") : "";
        String degenerate = degeneratePairs == 0 ? "" : String.format(Locale.ROOT,
                "; %d of the %d pairs compare a degenerate classifier (one label > 95%% of its predictions)", degeneratePairs, pairs);
        return String.format(Locale.ROOT, "%s %s: %s = %+.4f [%s] over %d pair%s → %s%s%s", id, claim, measure, mean, ci,
                pairs, pairs == 1 ? "" : "s", verdict.text(), why, degenerate);
    }
}
