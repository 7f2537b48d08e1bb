package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.EvalSpec;
import org.crossgen.eval.Evaluator;
import org.crossgen.eval.ScoringMode;
import org.crossgen.infer.TorchLanguageModel;
import org.crossgen.progress.ProgressBar;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.Sampler;
import org.crossgen.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a model on one test set under one prompt setting; writes records.jsonl and summary.json.",
                "With --rescore DIR, recompute the metrics of an earlier evaluation from its records.jsonl (no model)."})
final class EvalCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;

    @Mixin ModelOptions modelOptions;
    @Mixin AdapterOptions adapterOptions;
    @Mixin RegistryOptions registryOptions;
    @Mixin Run run;
    @Option(names = "--rescore", paramLabel = "DIR", description = "Re-score an evaluation folder instead of running a model.")
    Path rescore;

    /** What to evaluate and how. */
    static final class Run {
        @Option(names = "--dataset", paramLabel = "TASK/NAME", description = "Test set, e.g. sentiment/yelp.")
        String dataset;
        @Option(names = "--template", defaultValue = "0", description = "Prompt template id (default ${DEFAULT-VALUE}).")
        int template;
        @Option(names = "--shots", defaultValue = "0", description = "Demonstrations per prompt (default ${DEFAULT-VALUE}).")
        int shots;
        @Option(names = "--sampler", defaultValue = "paper", description = "paper (first k of the demonstration file) or random.")
        Sampler sampler;
        @Option(names = "--seed", defaultValue = "1234") long seed;
        @Option(names = "--scoring", defaultValue = "first-token",
                description = "first-token (the paper's), loglikelihood or loglikelihood-norm.")
        String scoring;
        @Option(names = "--limit", defaultValue = "0", description = "Evaluate the first N records (0 = all).")
        int limit;
        @Option(names = "--max-new-tokens", defaultValue = "60") int maxNewTokens;
        @Option(names = "--max-length", paramLabel = "N",
                description = "Token budget of prompt and answer (default: the model's max_position_embeddings); longer prompts "
                        + "are truncated, and summary.json counts them (fitting).")
        Integer maxLength;
        @Option(names = "--stemmer", description = "Porter-stem ROUGE tokens.") boolean stemmer;
        @Option(names = "--prompt-compat", defaultValue = "crossgen", paramLabel = "RULES",
                description = "crossgen (default: one BOS token before every prompt) or paper (the paper's: \"<s> \" text before "
                        + "zero-shot prompts, no BOS token before classification prompts; docs/prompts.md).")
        String promptCompat;
        @Option(names = "--batch-size", defaultValue = "8") int batchSize;
        @Option(names = "--out", paramLabel = "DIR",
                description = "Output folder (default: runs/eval/<model>/<task>-<dataset>-t<template>-k<shots>, the model as in org__name).")
        Path out;
    }

    @Override
    public Integer call() throws Exception {
        TaskRegistry registry = registryOptions.registry();
        ObjectMapper json = new ObjectMapper();
        if (rescore != null) {
            Map<String, Object> metrics = EvalResult.rescore(rescore, registry);
            root.out().println(json.writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
            return 0;
        }
        if (run.dataset == null) throw new IllegalArgumentException("give --dataset TASK/NAME (or --rescore DIR)");
        registry.dataset(run.dataset); // unknown names fail here, before the model loads
        PromptCompat compat = PromptCompat.parse(run.promptCompat);
        try (var adapted = adapterOptions.load(modelOptions); Tokenizer tokenizer = TextRequests.tokenizer(modelOptions)) {
            int maxLength = run.maxLength != null ? run.maxLength : adapted.model().config().maxPositions();
            EvalSpec spec = new EvalSpec(run.dataset, run.template, run.shots, run.sampler, run.seed, ScoringMode.of(run.scoring),
                    run.limit, run.maxNewTokens, maxLength, run.stemmer, compat);
            Path out = run.out != null ? run.out
                    : Path.of("runs", "eval", adapterOptions.label(modelOptions), spec.dataset().replace('/', '-') + "-t" + spec.template() + "-k" + spec.shots());
            Evaluator evaluator = new Evaluator(new TorchLanguageModel(adapted.model(), tokenizer), registry, run.batchSize);
            AtomicLong done = new AtomicLong();
            EvalResult result;
            try (ProgressBar bar = ProgressBar.forConsole(spec.dataset(), evaluator.size(spec), false)) {
                result = evaluator.run(adapterOptions.name(modelOptions), spec, n -> bar.update(done.addAndGet(n), ""));
            }
            result.write(out);
            root.out().println(json.writeValueAsString(result.metrics()));
            root.err().println("wrote " + out.resolve(EvalResult.RECORDS) + " and " + EvalResult.SUMMARY);
        }
        return 0;
    }
}
