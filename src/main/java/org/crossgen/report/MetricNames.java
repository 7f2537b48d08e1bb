package org.crossgen.report;

/** How metric ids are written in the report. */
final class MetricNames {
    private MetricNames() {}

    static String display(String metric) {
        return switch (metric) {
            case "rougeL" -> "ROUGE-L";
            case "bleu" -> "BLEU";
            default -> metric;
        };
    }
}
