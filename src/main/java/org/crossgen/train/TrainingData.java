package org.crossgen.train;

import java.util.ArrayList;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.prompt.DemonstrationSampler;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.prompt.PromptTruncator;
import org.crossgen.prompt.Sampler;
import org.crossgen.prompt.TrainingExample;
import org.crossgen.text.Tokenizer;

/**
 * The tokenized training set of one fine-tuning job: the dataset's training file of a given size,
 * prompts built with a template and {@code shots} demonstrations from the training dataset's pool
 * (FTICL; 0 = plain FT), fitted to {@code maxLength} tokens (demonstrations dropped first, then the
 * input cut; the target is never cut).
 *
 * @param examples  in the training file's order
 * @param truncated how many prompts lost demonstrations or input text
 */
public record TrainingData(List<SftExample> examples, int truncated) {
    /**
     * @param limit use the first {@code limit} records (0 = all)
     * @param sampler which demonstrations; the random one is seeded by {@code seed}
     */
    public static TrainingData of(Dataset dataset, int size, int template, int shots, Sampler sampler, long seed,
                                  int limit, int maxLength, Tokenizer tokenizer) {
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(dataset.task(), template));
        DemonstrationSampler demos = sampler.demonstrations(seed);
        List<Example> pool = builder.pool(dataset, shots);
        List<Example> records = dataset.trainExamples(size);
        if (limit > 0 && limit < records.size()) records = records.subList(0, limit);
        List<SftExample> out = new ArrayList<>(records.size());
        int truncated = 0;
        for (Example record : records) {
            List<Example> demonstrations = builder.demonstrations(dataset, pool, record, shots, demos);
            // The truncator counts prompt and target apart; in-context tokenization can differ by a
            // token or two at the boundary, so shrink the budget by the overshoot and fit again.
            int budget = maxLength;
            while (true) {
                var fit = new PromptTruncator(tokenizer, budget).fitTraining(builder, demonstrations, record);
                SftExample e = SftExample.encode(new TrainingExample(fit.prompt(), record.output()), tokenizer);
                if (e.length() <= maxLength) {
                    if (fit.truncated()) truncated++;
                    out.add(e);
                    break;
                }
                budget -= e.length() - maxLength;
            }
        }
        return new TrainingData(out, truncated);
    }
}
