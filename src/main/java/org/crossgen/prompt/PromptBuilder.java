package org.crossgen.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;

/**
 * Builds prompt text exactly as the paper's code does: each demonstration is its filled template,
 * its output and {@code "\n\n"}; then comes the filled template of the record itself, whose
 * target follows directly.
 *
 * <pre>
 * fill(d1) + d1.output + "\n\n" + ... + fill(dk) + dk.output + "\n\n" + fill(record)
 * </pre>
 *
 * <p><b>BOS, a deliberate deviation.</b> The text never contains a BOS: crossgen adds exactly one
 * BOS token through the tokenizer for every prompt, zero- or few-shot, training or evaluation. The
 * paper's code wrote a literal {@code "<s> "} before zero-shot prompts and no BOS before few-shot
 * classification prompts; docs/prompts.md explains why crossgen does not copy that.
 *
 * <p>FTICL training takes k demonstrations from the training dataset's own pool for every
 * training prompt; plain FT is k = 0.
 */
public final class PromptBuilder {
    private final PromptTemplate template;

    public PromptBuilder(PromptTemplate template) {
        this.template = template;
    }

    public PromptTemplate template() {
        return template;
    }

    /** The prompt for {@code record} after {@code demonstrations} (in prompt order). */
    public String prompt(List<Example> demonstrations, Example record) {
        return prompt(demonstrations, record.fields());
    }

    /** As {@link #prompt(List, Example)}, with the record's input fields given (possibly cut). */
    String prompt(List<Example> demonstrations, Map<String, String> recordFields) {
        StringBuilder text = new StringBuilder();
        for (Example d : demonstrations) text.append(template.fill(d)).append(d.output()).append("\n\n");
        return text.append(template.fill(recordFields)).toString();
    }

    /** The training example of a training record (k = 0 is plain FT). */
    public TrainingExample trainingExample(List<Example> demonstrations, Example record) {
        return new TrainingExample(prompt(demonstrations, record), record.output());
    }

    /**
     * Training examples of {@code dataset}'s training file of nominal {@code size}, each with
     * {@code shots} demonstrations from the same dataset's pool (FTICL; 0 for plain FT).
     */
    public List<TrainingExample> trainingExamples(Dataset dataset, int size, int shots, DemonstrationSampler sampler) {
        List<Example> pool = pool(dataset, shots);
        List<TrainingExample> examples = new ArrayList<>();
        for (Example record : dataset.trainExamples(size)) {
            examples.add(trainingExample(demonstrations(dataset, pool, record, shots, sampler), record));
        }
        return examples;
    }

    /** {@code shots} demonstrations for {@code record}; a pool too small is named in the error. */
    public List<Example> demonstrations(Dataset dataset, List<Example> pool, Example record, int shots,
                                        DemonstrationSampler sampler) {
        try {
            return sampler.sample(pool, record, shots);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dataset.id() + " (" + dataset.demosFile().map(Object::toString)
                    .orElse("no demonstration file") + "): " + e.getMessage(), e);
        }
    }

    /** The dataset's demonstration pool, read only when demonstrations are asked for. */
    public List<Example> pool(Dataset dataset, int shots) {
        checkTask(dataset);
        if (shots == 0) return List.of();
        if (dataset.demosFile().isEmpty()) {
            throw new IllegalArgumentException(dataset.id() + " has no demonstration pool; use 0 shots");
        }
        return dataset.demonstrations();
    }

    private void checkTask(Dataset dataset) {
        if (!dataset.task().equals(template.task())) {
            throw new IllegalArgumentException("dataset " + dataset.id() + " is not of task " + template.task().name());
        }
    }
}
