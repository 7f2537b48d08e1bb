package org.crossgen.bench;

import java.io.PrintWriter;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalSpec;
import org.crossgen.eval.Evaluator;
import org.crossgen.eval.ScoringMode;
import org.crossgen.infer.TorchLanguageModel;
import org.crossgen.prompt.Sampler;

/**
 * Evaluation throughput in records/s: label scoring (sentiment/amazon, 2-shot, first-token) and
 * generation (summary/xsum, zero-shot, up to 60 tokens), each at batch 1 (the baseline) and batch 8.
 */
public final class EvalBench {
    private final TorchLanguageModel lm;
    private final PrintWriter out;
    private final int records;

    public EvalBench(TorchLanguageModel lm, int records, PrintWriter out) {
        this.lm = lm;
        this.records = records;
        this.out = out;
    }

    public void run() {
        TaskRegistry registry = TaskRegistry.paper();
        EvalSpec label = new EvalSpec("sentiment/amazon", 0, 2, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, records, 60, 1024, false);
        EvalSpec gen = new EvalSpec("summary/xsum", 0, 0, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, Math.max(1, records / 4), 60, 1024, false);
        out.printf("model: %,d parameters, %s%n", lm.model().parameterCount(), lm.model().dtype().torchName());
        for (EvalSpec spec : new EvalSpec[] {label, gen}) {
            String what = spec == label ? "label scoring (sentiment/amazon, 2-shot)" : "generation (summary/xsum, 60 tokens)";
            new Evaluator(lm, registry, 2).run("bench", withLimit(spec, 2), n -> {});   // warm-up
            double one = recordsPerSecond(new Evaluator(lm, registry, 1), spec);
            double eight = recordsPerSecond(new Evaluator(lm, registry, 8), spec);
            out.printf("%-45s batch 1 %8.2f records/s | batch 8 %8.2f records/s (%.2fx batch 1)%n", what, one, eight, eight / one);
            out.flush();
        }
    }

    private double recordsPerSecond(Evaluator evaluator, EvalSpec spec) {
        long t0 = System.nanoTime();
        int n = evaluator.run("bench", spec, x -> {}).records().size();
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static EvalSpec withLimit(EvalSpec s, int limit) {
        return new EvalSpec(s.dataset(), s.template(), s.shots(), s.sampler(), s.seed(), s.scoring(), limit, s.maxNewTokens(),
                s.maxLength(), s.stemmer());
    }
}
