package org.crossgen.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.crossgen.report.StudyResults.Kind;
import org.crossgen.study.Method;

/**
 * The paper's findings as checks on one base model's results. Every check averages pairs; a pair
 * is one (fine-tuned model, test set, template, shots) cell, its value the mean over training
 * seeds, in the primary metric of the test set's task (ROUGE-L for generation, accuracy for
 * classification). Out-of-domain (OOD) test sets are the training task's other test sets.
 * Finding 0 (the premise: fine-tuning improves in-domain) uses FT and FTICL models; findings 1 and
 * 2 use FT models; finding 3 pairs each FTICL model with the FT model of the same training set and
 * size; finding 4 pairs each model with the same training set, method and k at the next larger
 * training size ({@link #sizeClaim} has its own verdict rule). Intervals: {@link PairBootstrap}.
 */
final class Findings {
    private final StudyResults r;

    /** One compared cell pair; {@code degenerate}: either cell is a degenerate classifier ({@link Degenerate}). */
    private record Pair(String label, String metric, Estimate value, boolean degenerate) {}

    private Findings(StudyResults r) {
        this.r = r;
    }

    static List<FindingCheck> check(StudyResults r) {
        return new Findings(r).checks();
    }

    private List<FindingCheck> checks() {
        List<Pair> genOod = outOfDomainDeltas(Kind.GENERATION);
        List<Pair> clsOod = outOfDomainDeltas(Kind.CLASSIFICATION);
        List<FindingCheck> checks = new ArrayList<>();
        checks.add(mean("0", "Fine-tuning improves in-domain performance",
                "mean Δ%s vs base over (FT or FTICL model, its training set as test set, setting) pairs", inDomainDeltas(), +1));
        checks.add(mean("1a", "Generation-task FT models lose out-of-domain vs the base model",
                "mean Δ%s vs base over (FT model, OOD test set, setting) pairs", genOod, -1));
        checks.add(mean("1b", "Classification-task FT models gain out-of-domain vs the base model",
                "mean Δ%s vs base over (FT model, OOD test set, setting) pairs", clsOod, +1));
        Estimate diff = PairBootstrap.differenceOfMeans(values(clsOod), values(genOod));
        List<Pair> both = new ArrayList<>(clsOod);
        both.addAll(genOod);
        checks.add(check("1c", "Classification-task FT models generalize out-of-domain better than generation-task FT models",
                "mean OOD Δ of classification pairs − mean OOD Δ of generation pairs (" + metricNames(both)
                        + "; groups resampled independently)",
                diff, +1, clsOod.isEmpty() || genOod.isEmpty() ? 0 : both.size(), both));
        checks.add(mean("2a", "Classification-task FT models help other classification tasks",
                "mean Δ%s vs base over (FT model, test set of another classification task, setting) pairs",
                crossTaskDeltas(Kind.CLASSIFICATION, Kind.CLASSIFICATION), +1));
        checks.add(mean("2b", "Generation-task FT models hurt other tasks",
                "mean Δ%s vs base over (FT model, test set of another task, setting) pairs",
                crossTaskDeltas(Kind.GENERATION, null), -1));
        checks.add(mean("3a", "On generation tasks FTICL generalizes out-of-domain better than FT",
                "mean FTICL − FT %s over (training set, OOD test set, setting) pairs",
                fticlMinusFt(Kind.GENERATION, +1), +1));
        checks.add(mean("3b", "On classification tasks FT generalizes out-of-domain at least as well as FTICL",
                "mean FT − FTICL %s over (training set, OOD test set, setting) pairs",
                fticlMinusFt(Kind.CLASSIFICATION, -1), +1));
        checks.add(sizeClaim());
        return checks;
    }

    /**
     * Finding 4, a claim that something does not always happen, so its rule differs from the mean
     * checks': supported if at least one pair's own 95% interval lies below 0 (more data measurably
     * hurt out-of-domain there), not supported if every pair's interval lies above 0 (more data
     * always helped), inconclusive otherwise. The mean and its pair-bootstrap interval are shown too.
     */
    private FindingCheck sizeClaim() {
        List<Pair> pairs = sizeSteps();
        Verdict verdict = pairs.isEmpty() ? Verdict.NOT_EVALUATED
                : pairs.stream().anyMatch(p -> p.value().side() < 0) ? Verdict.SUPPORTED
                : pairs.stream().allMatch(p -> p.value().side() > 0) ? Verdict.NOT_SUPPORTED : Verdict.INCONCLUSIVE;
        return check("4", "More training data does not always help out-of-domain",
                String.format("OOD Δ%s from one training size to the next larger one, over (training set, method, k, "
                        + "size step, OOD test set, setting) pairs", metricNames(pairs)),
                PairBootstrap.mean(values(pairs)), verdict, pairs.size(), pairs);
    }

    /** Each fine-tuned model's in-domain Δ vs base (its training set evaluated), FT and FTICL. */
    private List<Pair> inDomainDeltas() {
        List<Pair> pairs = new ArrayList<>();
        for (ModelKey m : r.fineTuned()) {
            String metric = r.primaryMetric(m.trainTask()), set = m.trainDataset();
            for (Setting s : r.settings()) {
                addIfEvaluated(pairs, r.label(m) + " → " + set + " (" + s.label() + ")", metric, r.delta(m, set, s, metric),
                        r.degenerateDelta(m, set, s));
            }
        }
        return pairs;
    }

    /** Larger-size model minus the next smaller one of the same training set, method and k, on OOD sets. */
    private List<Pair> sizeSteps() {
        List<Pair> pairs = new ArrayList<>();
        List<ModelKey> models = r.fineTuned(); // sorted by training set, size, method, k
        for (ModelKey small : models) {
            ModelKey large = models.stream().filter(m -> m.method() == small.method() && m.trainShots() == small.trainShots()
                    && m.trainDataset().equals(small.trainDataset()) && m.trainSize() > small.trainSize())
                    .min(java.util.Comparator.comparingInt(ModelKey::trainSize)).orElse(null);
            if (large == null) continue;
            String metric = r.primaryMetric(small.trainTask());
            for (String set : r.testSets(small.trainTask())) {
                if (set.equals(small.trainDataset())) continue;
                for (Setting s : r.settings()) {
                    addIfEvaluated(pairs, small.methodLabel() + " " + small.trainDataset() + " n=" + small.trainSize() + "→" + large.trainSize()
                            + " → " + set + " (" + s.label() + ")", metric, r.cell(large, set, s, metric).minus(r.cell(small, set, s, metric)),
                            r.degenerate(large, set, s) || r.degenerate(small, set, s));
                }
            }
        }
        return pairs;
    }

    /** Mean of the pairs; {@code %s} in the measure becomes the metrics' names ("ROUGE-L"). */
    private FindingCheck mean(String id, String claim, String measureFormat, List<Pair> pairs, int claimedSign) {
        String measure = String.format(measureFormat, metricNames(pairs));
        return check(id, claim, measure, PairBootstrap.mean(values(pairs)), claimedSign, pairs.size(), pairs);
    }

    private static FindingCheck check(String id, String claim, String measure, Estimate e, int claimedSign, int n, List<Pair> pairs) {
        return check(id, claim, measure, e, Verdict.of(e, claimedSign, n), n, pairs);
    }

    private static FindingCheck check(String id, String claim, String measure, Estimate e, Verdict verdict, int n, List<Pair> pairs) {
        List<String> evidence = pairs.stream().map(p -> Degenerate.mark(p.label() + ": " + p.value().format(4, true), p.degenerate())).toList();
        int degenerate = n == 0 ? 0 : (int) pairs.stream().filter(Pair::degenerate).count(); // 1c measures nothing with one group empty
        return new FindingCheck(id, claim, measure, verdict, e.value(), e.lower(), e.upper(), n, degenerate, evidence);
    }

    private static List<Estimate> values(List<Pair> pairs) {
        return pairs.stream().map(Pair::value).toList();
    }

    /** "ROUGE-L", or "ROUGE-L/accuracy" when the pairs mix metrics; "metric" when there are none. */
    private static String metricNames(List<Pair> pairs) {
        Set<String> names = new LinkedHashSet<>();
        for (Pair p : pairs) names.add(MetricNames.display(p.metric()));
        return names.isEmpty() ? "metric" : String.join("/", names);
    }

    private List<Pair> outOfDomainDeltas(Kind kind) {
        List<Pair> pairs = new ArrayList<>();
        for (ModelKey m : r.fineTuned()) {
            if (m.method() != Method.FT || r.kind(m.trainTask()) != kind) continue;
            String metric = r.primaryMetric(m.trainTask());
            for (String set : r.testSets(m.trainTask())) {
                if (set.equals(m.trainDataset())) continue;
                for (Setting s : r.settings()) {
                    addIfEvaluated(pairs, r.label(m) + " → " + set + " (" + s.label() + ")", metric, r.delta(m, set, s, metric),
                            r.degenerateDelta(m, set, s));
                }
            }
        }
        return pairs;
    }

    /** Pairs of FT models of a {@code trainKind} task on test sets of other tasks ({@code evalKind}; null: any). */
    private List<Pair> crossTaskDeltas(Kind trainKind, Kind evalKind) {
        List<Pair> pairs = new ArrayList<>();
        for (ModelKey m : r.fineTuned()) {
            if (m.method() != Method.FT || r.kind(m.trainTask()) != trainKind) continue;
            for (String task : r.tasks()) {
                if (task.equals(m.trainTask()) || (evalKind != null && r.kind(task) != evalKind)) continue;
                String metric = r.primaryMetric(task);
                for (String set : r.testSets(task)) {
                    for (Setting s : r.settings()) {
                        addIfEvaluated(pairs, r.label(m) + " → " + set + " (" + s.label() + ")", metric, r.delta(m, set, s, metric),
                                r.degenerateDelta(m, set, s));
                    }
                }
            }
        }
        return pairs;
    }

    /** sign · (FTICL − FT) on OOD test sets, each FTICL model against the FT model of its training set and size. */
    private List<Pair> fticlMinusFt(Kind kind, int sign) {
        List<Pair> pairs = new ArrayList<>();
        for (ModelKey icl : r.fineTuned()) {
            if (icl.method() != Method.FTICL || r.kind(icl.trainTask()) != kind) continue;
            ModelKey ft = new ModelKey(Method.FT, icl.trainDataset(), icl.trainSize(), 0);
            String metric = r.primaryMetric(icl.trainTask());
            for (String set : r.testSets(icl.trainTask())) {
                if (set.equals(icl.trainDataset())) continue;
                for (Setting s : r.settings()) {
                    Estimate d = sign > 0 ? r.cell(icl, set, s, metric).minus(r.cell(ft, set, s, metric))
                            : r.cell(ft, set, s, metric).minus(r.cell(icl, set, s, metric));
                    addIfEvaluated(pairs, r.label(icl) + " vs FT → " + set + " (" + s.label() + ")", metric, d,
                            r.degenerate(icl, set, s) || r.degenerate(ft, set, s));
                }
            }
        }
        return pairs;
    }

    private static void addIfEvaluated(List<Pair> pairs, String label, String metric, Estimate e, boolean degenerate) {
        if (e.hasValue()) pairs.add(new Pair(label, metric, e, degenerate));
    }
}
