package org.crossgen.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.prompt.DemonstrationSampler;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.prompt.PromptTruncator;
import org.crossgen.prompt.Sampler;
import org.crossgen.prompt.TrainingExample;
import org.crossgen.text.Tokenizer;

/**
 * The tokenized training set of one fine-tuning job: the dataset's training file of a given size,
 * prompts built with a template and {@code shots} demonstrations from the training dataset's pool
 * (FTICL; 0 = plain FT), fitted to {@code maxLength} tokens. crossgen's rule drops demonstrations
 * first, then cuts the input, and never cuts the target; the paper's ({@link PromptCompat#PAPER})
 * right-truncates the whole {@code BOS + prompt + target + EOS}, so the target is cut.
 *
 * @param examples in the training file's order
 * @param fitting  what fitting did: {@link PromptTruncator.Summary}'s counts, and for the paper's rule
 *                 {@code target_tokens_cut} and {@code examples_without_target} (prompts that fill the
 *                 max length alone: the paper trains on them with no loss token, crossgen leaves them out)
 */
public record TrainingData(List<SftExample> examples, Map<String, Object> fitting) {
    /** Prompts that lost demonstrations or input text (crossgen's rule) or target tokens (the paper's). */
    public int truncated() {
        return ((Number) fitting.get("truncated")).intValue();
    }

    /**
     * @param limit use the first {@code limit} records (0 = all)
     * @param sampler which demonstrations; the random one is seeded by {@code seed}
     */
    public static TrainingData of(Dataset dataset, int size, int template, int shots, Sampler sampler, long seed,
                                  int limit, int maxLength, Tokenizer tokenizer) {
        return of(dataset, size, template, shots, sampler, seed, limit, maxLength, tokenizer, PromptCompat.CROSSGEN);
    }

    public static TrainingData of(Dataset dataset, int size, int template, int shots, Sampler sampler, long seed,
                                  int limit, int maxLength, Tokenizer tokenizer, PromptCompat compat) {
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(dataset.task(), template));
        DemonstrationSampler demos = sampler.demonstrations(seed);
        List<Example> pool = builder.pool(dataset, shots);
        List<Example> records = dataset.trainExamples(size);
        if (limit > 0 && limit < records.size()) records = records.subList(0, limit);
        return compat == PromptCompat.PAPER ? rightTruncated(builder, dataset, pool, records, shots, demos, maxLength, tokenizer)
                : fitted(builder, dataset, pool, records, shots, demos, maxLength, tokenizer);
    }

    private static TrainingData fitted(PromptBuilder builder, Dataset dataset, List<Example> pool, List<Example> records, int shots,
                                       DemonstrationSampler demos, int maxLength, Tokenizer tokenizer) {
        List<SftExample> out = new ArrayList<>(records.size());
        List<PromptTruncator.Fit> fits = new ArrayList<>(records.size());
        for (Example record : records) {
            List<Example> demonstrations = builder.demonstrations(dataset, pool, record, shots, demos);
            // The truncator counts prompt and target apart; in-context tokenization can differ by a
            // token or two at the boundary, so shrink the budget by the overshoot and fit again.
            int budget = maxLength;
            while (true) {
                var fit = new PromptTruncator(tokenizer, budget).fitTraining(builder, demonstrations, record);
                SftExample e = SftExample.encode(new TrainingExample(fit.prompt(), record.output()), tokenizer);
                if (e.length() <= maxLength) {
                    fits.add(fit);
                    out.add(e);
                    break;
                }
                budget -= e.length() - maxLength;
            }
        }
        return new TrainingData(out, PromptTruncator.Summary.of(fits).toMap());
    }

    /** The paper's rule: the whole sequence right-truncated at {@code maxLength}; EOS is kept after a cut target. */
    private static TrainingData rightTruncated(PromptBuilder builder, Dataset dataset, List<Example> pool, List<Example> records,
                                               int shots, DemonstrationSampler demos, int maxLength, Tokenizer tokenizer) {
        List<SftExample> out = new ArrayList<>(records.size());
        int truncated = 0, withoutTarget = 0;
        long targetTokensCut = 0;
        for (Example record : records) {
            List<Example> demonstrations = builder.demonstrations(dataset, pool, record, shots, demos);
            SftExample e = SftExample.encode(builder.trainingExample(demonstrations, record), tokenizer);
            if (e.length() <= maxLength) {
                out.add(e);
                continue;
            }
            truncated++;
            int keep = maxLength - 1 - e.promptIds().length; // target tokens that fit before EOS
            if (keep <= 0) {
                withoutTarget++;
                targetTokensCut += e.targetIds().length;
                continue;
            }
            targetTokensCut += e.targetIds().length - keep;
            out.add(new SftExample(e.promptIds(), Arrays.copyOf(e.targetIds(), keep)));
        }
        Map<String, Object> fitting = new LinkedHashMap<>();
        fitting.put("rule", PromptCompat.PAPER.id());
        fitting.put("prompts", records.size());
        fitting.put("truncated", truncated);
        fitting.put("target_tokens_cut", targetTokensCut);
        fitting.put("examples_without_target", withoutTarget);
        return new TrainingData(out, fitting);
    }
}
