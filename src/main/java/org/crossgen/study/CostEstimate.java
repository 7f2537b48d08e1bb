package org.crossgen.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.prompt.DemonstrationSampler;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.prompt.TrainingExample;

/**
 * What a plan costs before anything runs: training tokens per job (prompt + target, capped at the
 * training max length, times epochs) and evaluated records per cell.
 *
 * <p>Tokens are approximated as characters / 4 (no tokenizer is loaded to plan); this is an
 * estimate for sizing, not an accounting.
 */
public record CostEstimate(Map<String, Long> trainTokens, Map<String, Integer> evalRecords) {
    /** Characters per token of the approximation. */
    public static final double CHARS_PER_TOKEN = 4.0;

    public static CostEstimate of(StudyPlan plan, TaskRegistry registry) {
        Map<String, Long> tokens = new LinkedHashMap<>();
        Map<String, Long> perFile = new LinkedHashMap<>(); // one pass over each training file per (set, size, k, limit)
        for (TrainingJob j : plan.jobs()) {
            String file = j.trainDataset() + "/" + j.trainSize() + "/" + j.trainShots() + "/" + j.trainRecords() + "/"
                    + j.training().maxLength() + "/" + j.training().template();
            long perEpoch = perFile.computeIfAbsent(file, f -> trainingTokens(registry.dataset(j.trainDataset()), j));
            tokens.put(j.key(), perEpoch * j.training().epochs());
        }
        Map<String, Integer> records = new LinkedHashMap<>();
        Map<String, Integer> testSizes = new LinkedHashMap<>();
        for (EvalCell c : plan.cells()) {
            int n = testSizes.computeIfAbsent(c.eval().dataset(), id -> registry.dataset(id).testExamples().size());
            records.put(c.key(), c.eval().limit() == 0 ? n : Math.min(n, c.eval().limit()));
        }
        return new CostEstimate(tokens, records);
    }

    private static long trainingTokens(Dataset d, TrainingJob j) {
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(d.task(), j.training().template()));
        List<TrainingExample> examples = builder.trainingExamples(d, j.trainSize(), j.trainShots(), DemonstrationSampler.paper());
        if (j.trainRecords() > 0 && examples.size() > j.trainRecords()) examples = examples.subList(0, j.trainRecords());
        long total = 0;
        for (TrainingExample e : examples) {
            long t = Math.round((e.prompt().length() + e.target().length()) / CHARS_PER_TOKEN) + 2; // + BOS, EOS
            total += Math.min(t, j.training().maxLength());
        }
        return total;
    }

    public long totalTrainTokens() {
        return trainTokens.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalEvalRecords() {
        return evalRecords.values().stream().mapToLong(Integer::longValue).sum();
    }
}
