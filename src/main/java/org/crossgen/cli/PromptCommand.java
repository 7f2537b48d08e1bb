package org.crossgen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.prompt.PromptTruncator;
import org.crossgen.prompt.Sampler;
import org.crossgen.study.Method;
import org.crossgen.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crossgen prompt}: the exact prompt text of one record, as the model would see it after
 * its BOS. Evaluation prompts print the text alone (no newline added); training examples print
 * prompt and target under {@code === prompt ===} / {@code === target ===} lines, or as JSON.
 */
@Command(name = "prompt", mixinStandardHelpOptions = true, description = "Print the prompt of one test record (or, with --train, one training example).")
final class PromptCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand CrossgenCommand root;
    @Mixin RegistryOptions options;
    @Option(names = "--dataset", required = true, description = "Dataset id, e.g. sentiment/yelp.") String datasetId;
    @Option(names = "--template", defaultValue = "0", description = "Template id (default: ${DEFAULT-VALUE}).") int template;
    @Option(names = "--shots", defaultValue = "0", description = "Demonstrations before the record (default: ${DEFAULT-VALUE}).")
    int shots;
    @Option(names = "--index", defaultValue = "0", description = "0-based record position (default: ${DEFAULT-VALUE}).")
    int index;
    @Option(names = "--sampler", defaultValue = "paper",
            description = "paper (or first): the paper's first k of the pool; random: k random others, drawn with "
                    + "java.util.Random(--seed) for this record alone (default: ${DEFAULT-VALUE}).")
    Sampler sampler;
    @Option(names = "--seed", defaultValue = "1234", description = "Seed of the random sampler, as eval's --seed and a spec's "
            + "eval_seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--train", description = "A training example of the dataset's training file instead of a test prompt.")
    boolean train;
    @Option(names = "--method", defaultValue = "ft",
            description = "With --train: ft (no demonstrations) or fticl (--shots demonstrations) (default: ${DEFAULT-VALUE}).")
    Method method;
    @Option(names = "--size", description = "With --train: nominal training size (default: the smallest).") Integer size;
    @Option(names = "--max-tokens", description = "Fit the prompt to this many mistral-32k tokens (BOS, and for --train"
            + " target and EOS, included).") Integer maxTokens;
    @Option(names = "--json", description = "Print {\"prompt\":...,\"target\"|\"reference\":...} as one JSON line.")
    boolean json;

    @Override
    public void run() {
        Dataset dataset = options.registry().dataset(datasetId);
        if (train && method == Method.BASE) throw new IllegalArgumentException("--method base: a training example is ft or fticl");
        if (train && method == Method.FT && shots > 0) {
            throw new IllegalArgumentException("--method ft trains without demonstrations; use --method fticl for --shots " + shots);
        }
        if (train && method == Method.FTICL && shots == 0) throw new IllegalArgumentException("--method fticl needs --shots >= 1");
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(dataset.task(), template));
        List<Example> records = train ? dataset.trainExamples(CliDefaults.trainSize(dataset, size)) : dataset.testExamples();
        Example record = CliDefaults.at(records, index, dataset.id() + (train ? " train" : " test"));
        List<Example> demos = builder.demonstrations(dataset, builder.pool(dataset, shots), record, shots, sampler.demonstrations(seed));
        String prompt = maxTokens == null ? builder.prompt(demos, record) : fitted(builder, demos, record);
        print(prompt, record.output());
    }

    private String fitted(PromptBuilder builder, List<Example> demos, Example record) {
        try (Tokenizer tokenizer = Tokenizer.mistral32k()) {
            PromptTruncator truncator = new PromptTruncator(tokenizer, maxTokens);
            return (train ? truncator.fitTraining(builder, demos, record) : truncator.fitEval(builder, demos, record)).prompt();
        }
    }

    private void print(String prompt, String output) {
        PrintWriter out = root.out();
        if (json) {
            try {
                out.println(JSON.writeValueAsString(JSON.createObjectNode().put("prompt", prompt)
                        .put(train ? "target" : "reference", output)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (train) {
            out.print("=== prompt ===\n" + prompt + "\n=== target ===\n" + output + "\n");
        } else {
            out.print(prompt); // exactly the text: no newline of our own
        }
        out.flush();
    }
}
