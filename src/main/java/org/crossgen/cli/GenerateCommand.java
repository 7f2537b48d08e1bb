package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.crossgen.infer.GreedyGenerator;
import org.crossgen.infer.StopCondition;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.progress.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Greedy generation from a text prompt or from token ids.")
final class GenerateCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;
    @Mixin ModelOptions modelOptions;
    @Mixin AdapterOptions adapterOptions;

    @ArgGroup(exclusive = true, multiplicity = "1") Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (BOS is added by the tokenizer).")
        String prompt;
        @Option(names = "--ids", paramLabel = "1,2,3", description = "Prompt token ids, used as given (no BOS added).")
        String ids;
    }

    @Option(names = "--max-new-tokens", defaultValue = "60", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--stop", paramLabel = "S", description = "Stop string (repeatable); the output is cut before it. With --prompt only.")
    List<String> stops = List.of();

    @Option(names = "--json", description = "Print one JSON object: {\"output_ids\": [...]} (and \"text\" with --prompt).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (var adapted = adapterOptions.load(modelOptions)) {
            LlamaModel model = adapted.model();
            if (input.ids != null) {
                if (!stops.isEmpty()) throw new IllegalArgumentException("--stop needs --prompt (stop strings are text)");
                long[] prompt = ModelOptions.parseIds("--ids", input.ids);
                Set<Long> eos = model.config().eosTokenIds().stream().map(Integer::longValue).collect(java.util.stream.Collectors.toSet());
                long[] out;
                try (ProgressBar bar = ProgressBar.forConsole("generate", maxNewTokens, false)) {
                    out = new GreedyGenerator(model, eos, 0).onStep(n -> bar.update(n, "")).generate(List.of(prompt), maxNewTokens, StopCondition.NEVER).get(0);
                }
                if (json) {
                    root.out().println(new ObjectMapper().writeValueAsString(Map.of("output_ids", out)));
                } else {
                    root.out().println(java.util.Arrays.toString(out));
                }
                return 0;
            }
            return TextRequests.run(root, modelOptions, model, input.prompt, maxNewTokens, stops, json);
        }
    }
}
