package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.infer.Request;
import org.crossgen.infer.TorchLanguageModel;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.progress.ProgressBar;
import org.crossgen.text.Tokenizer;

/** The text paths of {@code generate} and {@code score}: tokenizer from the model folder. */
final class TextRequests {
    private TextRequests() {}

    static Tokenizer tokenizer(ModelOptions options) throws java.io.IOException {
        java.nio.file.Path dir = options.modelDir();
        if (!java.nio.file.Files.exists(dir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException(dir + " has no tokenizer.json; pass token ids with --ids instead of text");
        }
        return Tokenizer.load(dir);
    }

    static int run(CrossgenCommand root, ModelOptions options, LlamaModel model, String prompt, int maxNewTokens,
                   List<String> stops, boolean json) throws Exception {
        try (Tokenizer tokenizer = tokenizer(options)) {
            String text;
            try (ProgressBar bar = ProgressBar.forConsole("generate", maxNewTokens, false)) {
                TorchLanguageModel lm = new TorchLanguageModel(model, tokenizer).onGenerationStep(n -> bar.update(n, ""));
                text = lm.generate(List.of(new Request.Generate(prompt, stops, maxNewTokens)), 1, n -> {}).get(0);
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("text", text);
                root.out().println(new ObjectMapper().writeValueAsString(o));
            } else {
                root.out().println(text);
            }
            return 0;
        }
    }

    static int score(CrossgenCommand root, ModelOptions options, LlamaModel model, String context,
                     List<String> continuations, boolean json) throws Exception {
        try (Tokenizer tokenizer = tokenizer(options)) {
            TorchLanguageModel lm = new TorchLanguageModel(model, tokenizer);
            var requests = continuations.stream().map(c -> new Request.Loglikelihood(context, c)).toList();
            List<org.crossgen.infer.LogLikelihood> scores;
            try (ProgressBar bar = ProgressBar.forConsole("score", requests.size(), false)) {
                java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
                scores = lm.loglikelihood(requests, 8, n -> bar.update(done.addAndGet(n), ""));
            }
            ObjectMapper m = new ObjectMapper();
            var arr = m.createArrayNode();
            for (int i = 0; i < scores.size(); i++) {
                var s = scores.get(i);
                if (json) {
                    arr.addObject().put("continuation", continuations.get(i)).put("logprob", s.logProb())
                            .put("tokens", s.tokens()).put("mean_logprob", s.meanLogProb()).put("greedy", s.greedy());
                } else {
                    root.out().printf("%12.4f  %3d tok  %s%n", s.logProb(), s.tokens(), continuations.get(i));
                }
            }
            if (json) root.out().println(m.writeValueAsString(m.createObjectNode().set("scores", arr)));
            return 0;
        }
    }
}
