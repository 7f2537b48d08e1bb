package org.crossgen.report;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.crossgen.study.Method;

/**
 * The paper's two line-chart analyses of one task, in its primary metric: the metric against the
 * number of evaluation shots (base, FT and FTICL) and against the training size (FT and FTICL).
 * Each point is the mean of a group's cells on in-domain or on out-of-domain test sets, with the
 * cells' 95% intervals combined ({@link Estimate#meanOf}: evaluation noise over the averaged cells).
 *
 * <p>A fine-tuned model's in-domain set is its training set, the rest of its task's test sets are
 * out-of-domain; the base model's in-domain sets are the training sets of the task's fine-tuned
 * models (the task's first test set when none was trained). Shot points average templates and
 * training sizes; size points average templates and shots; FTICL pools its k.
 */
final class DomainCurves {
    /** One line: a group (base, FT, FTICL) on in-domain or out-of-domain sets, one point per x. */
    record Curve(String name, Method method, boolean inDomain, List<Integer> x, List<Estimate> y) {
        boolean hasValues() {
            return y.stream().anyMatch(Estimate::hasValue);
        }
    }

    private DomainCurves() {}

    /** Metric against evaluation shots; empty when the task was evaluated at fewer than two shot counts. */
    static List<Curve> byShots(StudyResults r, String task) {
        List<Integer> shots = r.settings().stream().map(Setting::shots).distinct().sorted().toList();
        if (shots.size() < 2) return List.of();
        List<Curve> curves = new ArrayList<>();
        for (Method method : Method.values()) {
            for (boolean inDomain : new boolean[] {true, false}) {
                List<Estimate> y = shots.stream().map(k -> mean(r, task, method, size -> true, s -> s.shots() == k, inDomain)).toList();
                curves.add(new Curve(name(method, inDomain), method, inDomain, shots, y));
            }
        }
        return curves.stream().filter(Curve::hasValues).toList();
    }

    /** Metric against training size (FT, FTICL); empty when the task's models were trained at fewer than two sizes. */
    static List<Curve> bySize(StudyResults r, String task) {
        List<Integer> sizes = List.copyOf(new TreeSet<>(r.fineTunedOn(task).stream().map(ModelKey::trainSize).toList()));
        if (sizes.size() < 2) return List.of();
        List<Curve> curves = new ArrayList<>();
        for (Method method : List.of(Method.FT, Method.FTICL)) {
            for (boolean inDomain : new boolean[] {true, false}) {
                List<Estimate> y = sizes.stream().map(n -> mean(r, task, method, size -> size == n, s -> true, inDomain)).toList();
                curves.add(new Curve(name(method, inDomain), method, inDomain, sizes, y));
            }
        }
        return curves.stream().filter(Curve::hasValues).toList();
    }

    private static String name(Method method, boolean inDomain) {
        return (method == Method.BASE ? "base" : method.name()) + (inDomain ? " in-domain" : " out-of-domain");
    }

    /** Mean of the group's cells over its in-domain (or out-of-domain) sets and the chosen settings. */
    private static Estimate mean(StudyResults r, String task, Method method, IntPredicate size, Predicate<Setting> settings,
                                 boolean inDomain) {
        String metric = r.primaryMetric(task);
        List<ModelKey> models = method == Method.BASE ? List.of(ModelKey.BASE)
                : r.fineTunedOn(task).stream().filter(m -> m.method() == method && size.test(m.trainSize())).toList();
        List<Estimate> cells = new ArrayList<>();
        for (ModelKey m : models) {
            List<String> id = inDomainSets(r, task, m);
            for (String set : r.testSets(task)) {
                if (id.contains(set) != inDomain) continue;
                for (Setting s : r.settings()) if (settings.test(s)) cells.add(r.cell(m, set, s, metric));
            }
        }
        return Estimate.meanOf(cells);
    }

    /** The model's in-domain test sets of {@code task} (see the class comment). */
    static List<String> inDomainSets(StudyResults r, String task, ModelKey m) {
        if (!m.isBase()) return List.of(m.trainDataset());
        List<String> trained = r.fineTunedOn(task).stream().map(ModelKey::trainDataset).distinct()
                .filter(r.testSets(task)::contains).toList();
        if (!trained.isEmpty()) return trained;
        return r.testSets(task).isEmpty() ? List.of() : List.of(r.testSets(task).get(0));
    }
}
