package org.crossgen.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.crossgen.metrics.LabelDistribution;
import org.crossgen.study.DriftRow;
import org.crossgen.study.LossHistory;
import org.crossgen.study.LossPoint;
import org.crossgen.study.Method;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;

/** Hand-made result rows for tests: template 1, 0 shots, training size 1000, interval ±0.01 unless stated. */
final class Rows {
    static final double HALF = 0.01;

    private Rows() {}

    static ResultRow base(String evalSet, String metric, double value) {
        return row(Method.BASE, "", 0, 0, evalSet, metric, value);
    }

    static ResultRow ft(String trainSet, String evalSet, String metric, double value) {
        return row(Method.FT, trainSet, 0, 1, evalSet, metric, value);
    }

    static ResultRow ft(String trainSet, long seed, String evalSet, String metric, double value) {
        return row(Method.FT, trainSet, 0, seed, evalSet, metric, value);
    }

    static ResultRow fticl(String trainSet, String evalSet, String metric, double value) {
        return row(Method.FTICL, trainSet, 2, 1, evalSet, metric, value);
    }

    static ResultRow row(Method method, String trainSet, int k, long seed, String evalSet, String metric, double value) {
        return new ResultRow("tiny", method, trainSet, method == Method.BASE ? 0 : 1000, k, seed, evalSet,
                evalSet.substring(0, evalSet.indexOf('/')), 1, 0, metric, value, value - HALF, value + HALF, 200);
    }

    /**
     * {@code row} carrying a sentiment cell's label distribution: the model predicted "positive"
     * {@code positive} times and "negative" {@code negative} times; its records hold 120 positive
     * and 80 negative (majority 0.6, chance 0.5); its label scores rank them at AUC 0.5 + negative / 1000
     * (0.5 for a cell that says "positive" to all).
     */
    static ResultRow labelled(ResultRow row, int positive, int negative) {
        Map<String, Integer> predicted = new LinkedHashMap<>(), reference = new LinkedHashMap<>();
        predicted.put("positive", positive);
        predicted.put("negative", negative);
        reference.put("positive", 120);
        reference.put("negative", 80);
        LabelDistribution d = new LabelDistribution(predicted, reference, 0.6, 0.5, 0.5 + negative / 1000.0);
        return new ResultRow(row.baseModel(), row.method(), row.trainDataset(), row.trainSize(), row.trainShots(), row.seed(),
                row.evalDataset(), row.evalTask(), row.template(), row.shots(), row.metric(), row.value(), row.ciLower(),
                row.ciUpper(), row.n(), d);
    }

    /** The paper's tasks and test sets (in-domain first) with their metrics. */
    static final String[][] PAPER = {
            {"summary", "rougeL,bleu", "xsum", "xlsum", "pdfs", "cnn"},
            {"question", "rougeL,bleu", "socialqa", "tweetqa", "sciqa"},
            {"sentiment", "accuracy", "amazon", "yelp", "sst2", "amazonfood"},
            {"inference", "accuracy", "multinli", "multinli2", "rte", "gptnli"},
            {"detection", "accuracy", "paws", "qqp", "stsb"},
    };

    /**
     * A study shaped like the paper's: base, FT and FTICL (k=2) on each task's in-domain set, two
     * seeds, two templates, every test set; values drawn from a seeded generator so that
     * classification models gain out of domain and generation models lose.
     */
    static List<ResultRow> paperShapedStudy() {
        Random rnd = new Random(42);
        List<ResultRow> rows = new ArrayList<>();
        for (int template = 1; template <= 2; template++) {
            for (String[] evalTask : PAPER) {
                for (String metric : evalTask[1].split(",")) {
                    double scale = metric.equals("bleu") ? 100 : 1;
                    for (int j = 2; j < evalTask.length; j++) {
                        String set = evalTask[0] + "/" + evalTask[j];
                        double base = (metric.equals("accuracy") ? 0.5 : 0.2) + 0.1 * rnd.nextDouble();
                        rows.add(scaled(Method.BASE, "", 0, 0, set, template, metric, base, scale));
                        for (String[] trainTask : PAPER) {
                            String train = trainTask[0] + "/" + trainTask[2];
                            boolean gen = trainTask[1].startsWith("rouge");
                            boolean sameTask = trainTask == evalTask, inDomain = train.equals(set);
                            double effect = inDomain ? 0.15 : sameTask ? (gen ? -0.03 : 0.06)
                                    : (gen ? -0.05 : evalTask[1].equals("accuracy") ? 0.02 : -0.01);
                            for (long seed = 1; seed <= 2; seed++) {
                                double noise = 0.01 * rnd.nextGaussian();
                                rows.add(scaled(Method.FT, train, 0, seed, set, template, metric, base + effect + noise, scale));
                                double icl = gen && sameTask && !inDomain ? 0.02 : !gen && sameTask && !inDomain ? -0.01 : 0;
                                rows.add(scaled(Method.FTICL, train, 2, seed, set, template, metric, base + effect + icl + noise, scale));
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static ResultRow scaled(Method method, String train, int k, long seed, String set, int template, String metric,
                                    double v, double scale) {
        return new ResultRow("tiny", method, train, method == Method.BASE ? 0 : 1000, k, seed, set, set.substring(0, set.indexOf('/')),
                template, 0, metric, v * scale, (v - 0.02) * scale, (v + 0.02) * scale, 500);
    }

    /** Drift rows for the FT and FTICL models of {@link #paperShapedStudy}: FTICL drifts less. */
    static List<DriftRow> paperShapedDrift() {
        List<DriftRow> rows = new ArrayList<>();
        for (String[] task : PAPER) {
            String train = task[0] + "/" + task[2];
            for (long seed = 1; seed <= 2; seed++) {
                for (Method method : List.of(Method.FT, Method.FTICL)) {
                    double s = method == Method.FT ? 1 : 0.6;
                    int k = method == Method.FT ? 0 : 2;
                    for (int layer = 0; layer < 4; layer++) {
                        rows.add(new DriftRow("tiny", method, train, 1000, k, seed, DriftRow.RELATIVE_CHANGE, "layer." + layer,
                                s * (0.01 + 0.004 * layer + 0.001 * seed), 1000));
                    }
                    rows.add(new DriftRow("tiny", method, train, 1000, k, seed, DriftRow.RELATIVE_CHANGE, DriftRow.ALL, s * (0.012 + 0.001 * seed), 5000));
                    rows.add(new DriftRow("tiny", method, train, 1000, k, seed, DriftRow.KL, DriftRow.NEXT_TOKEN, s * (0.2 + 0.05 * seed), 4096));
                }
            }
        }
        return rows;
    }

    /** The paper-shaped study with drift and loss curves, as a study exports it. */
    static ResultsFile paperShapedResults() {
        return new ResultsFile(paperShapedStudy(), paperShapedDrift(), lossCurves(), List.of());
    }

    static List<LossHistory> lossCurves() {
        List<LossHistory> curves = new ArrayList<>();
        for (String[] task : PAPER) {
            for (String method : List.of("ft", "fticl")) {
                List<LossPoint> pts = new ArrayList<>();
                for (int step = 0; step <= 100; step += 5) pts.add(new LossPoint(step, 3.0 * Math.exp(-step / 40.0) + (method.equals("ft") ? 0.5 : 0.4)));
                curves.add(new LossHistory(method + " " + task[0] + "/" + task[2] + " seed 1", pts));
            }
        }
        return curves;
    }
}
