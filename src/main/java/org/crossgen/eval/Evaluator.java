package org.crossgen.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.Task;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.ContentHash;
import org.crossgen.infer.LanguageModel;
import org.crossgen.infer.Request;
import org.crossgen.prompt.DemonstrationSampler;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.prompt.PromptTruncator;
import org.crossgen.tensor.Provenance;

/**
 * Evaluates one model on one test set under one prompt setting: builds the prompts, fits them to
 * the token budget, asks the model (label scoring, or greedy generation cut at "\n\n") and scores
 * the answers. {@link #run} returns the {@link EvalResult}; {@link EvalResult#write} puts it on disk.
 * The model is any {@link LanguageModel}: tasks and prompts never touch tensors.
 */
public final class Evaluator {
    /** The paper cuts generations at the first blank line. */
    public static final List<String> STOP = List.of("\n\n");

    private final LanguageModel lm;
    private final TaskRegistry registry;
    private final int batchSize;

    public Evaluator(LanguageModel lm, TaskRegistry registry, int batchSize) {
        this.lm = lm;
        this.registry = registry;
        this.batchSize = batchSize;
    }

    /** A prompt ready for the model, with what truncation did to it. */
    record Prepared(Example record, PromptTruncator.Fit fit) {
        String prompt() {
            return fit.prompt();
        }
    }

    /** Number of records {@link #run} will evaluate (for progress bars). */
    public int size(EvalSpec spec) {
        return limited(registry.dataset(spec.dataset()).testExamples().size(), spec);
    }

    private static int limited(int available, EvalSpec spec) {
        return spec.limit() == 0 ? available : Math.min(available, spec.limit());
    }

    public EvalResult run(String modelId, EvalSpec spec, IntConsumer progress) {
        long t0 = System.nanoTime();
        Dataset dataset = registry.dataset(spec.dataset());
        Task task = dataset.task();
        List<Prepared> prepared = prepare(dataset, spec);
        List<RecordResult> records = task.isClassification() ? classify(task, prepared, spec, progress) : generate(prepared, spec, progress);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", modelId);
        summary.put("dataset", dataset.id());
        summary.put("task", task.name());
        summary.put("in_domain", dataset.inDomain());
        summary.put("template", spec.template());
        summary.put("shots", spec.shots());
        summary.put("sampler", spec.sampler().id());
        summary.put("seed", spec.seed());
        summary.put("scoring", task.isClassification() ? spec.scoring().cliName : "greedy-generation");
        summary.put("max_new_tokens", spec.maxNewTokens());
        summary.put("max_length", spec.maxLength());
        summary.put("stemmer", spec.stemmer());
        summary.put("prompt_compat", spec.promptCompat().id());
        summary.put("dtype", lm.dtype());
        summary.put(Provenance.FIELD, Provenance.of(lm.device(), lm.dtype()).toMap());
        summary.put("n", records.size());
        summary.put("truncated", records.stream().filter(RecordResult::truncated).count());
        summary.put("fitting", PromptTruncator.Summary.of(prepared.stream().map(Prepared::fit).toList()).toMap());
        summary.put("unlabelled", records.stream().filter(r -> r.reference().equals(Task.UNLABELLED)).count());
        summary.put("metric_versions", Map.of("rouge", "rouge-score 0.1.2 (crossgen port)", "bleu", "sacrebleu 2.5 (crossgen port)"));
        summary.put("metrics", EvalMetrics.compute(task, records, spec.stemmer(), spec.seed()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        summary.put("elapsed_s", seconds);
        summary.put("records_per_s", records.size() / seconds);
        return new EvalResult(spec, summary, records);
    }

    private List<Prepared> prepare(Dataset dataset, EvalSpec spec) {
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(dataset.task(), spec.template()));
        DemonstrationSampler sampler = spec.sampler().demonstrations(spec.seed());
        int budget = dataset.task().isClassification() ? spec.maxLength() - 1 : spec.maxLength() - spec.maxNewTokens();
        String prefix = spec.promptCompat().evalTextPrefix(spec.shots()); // the paper's literal "<s> " before zero-shot prompts
        PromptTruncator truncator = new PromptTruncator(lm.tokenizer(), budget - lm.tokenizer().count(prefix, false));
        List<Example> pool = builder.pool(dataset, spec.shots());
        List<Example> tests = dataset.testExamples();
        int n = limited(tests.size(), spec);
        List<Prepared> out = new ArrayList<>(n);
        for (Example record : tests.subList(0, n)) {
            var fit = truncator.fitEval(builder, builder.demonstrations(dataset, pool, record, spec.shots(), sampler), record);
            out.add(new Prepared(record, prefix.isEmpty() ? fit
                    : new PromptTruncator.Fit(prefix + fit.prompt(), fit.tokens() + lm.tokenizer().count(prefix, false),
                            fit.droppedDemonstrations(), fit.cutCharacters(), fit.cutTokens())));
        }
        return out;
    }

    private List<RecordResult> classify(Task task, List<Prepared> prepared, EvalSpec spec, IntConsumer progress) {
        List<String> labels = task.labels();
        boolean bos = spec.promptCompat().addsBosToken(true);
        List<double[]> scores = new ArrayList<>();
        if (spec.scoring() == ScoringMode.FIRST_TOKEN) {
            var requests = prepared.stream().map(p -> new Request.FirstTokenChoice(p.prompt(), labels, bos)).toList();
            for (float[] row : lm.firstTokenLogits(requests, batchSize, progress)) {
                double[] d = new double[row.length];
                for (int i = 0; i < d.length; i++) d[i] = row[i];
                scores.add(d);
            }
        } else {
            List<Request.Loglikelihood> requests = new ArrayList<>();
            for (Prepared p : prepared) for (String label : labels) requests.add(new Request.Loglikelihood(p.prompt(), label, bos));
            var ll = lm.loglikelihood(requests, batchSize * labels.size(), done -> progress.accept(done / labels.size()));
            for (int i = 0; i < prepared.size(); i++) {
                double[] d = new double[labels.size()];
                for (int k = 0; k < d.length; k++) {
                    var s = ll.get(i * labels.size() + k);
                    d[k] = spec.scoring() == ScoringMode.LOGLIKELIHOOD_NORM ? s.meanLogProb() : s.logProb();
                }
                scores.add(d);
            }
        }
        List<RecordResult> out = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            double[] s = scores.get(i);
            int best = 0;
            Map<String, Double> byLabel = new LinkedHashMap<>();
            for (int k = 0; k < s.length; k++) {
                byLabel.put(labels.get(k), s[k]);
                if (s[k] > s[best]) best = k; // ties go to the earlier label, as argmax does
            }
            out.add(result(prepared.get(i), labels.get(best), byLabel));
        }
        return out;
    }

    private List<RecordResult> generate(List<Prepared> prepared, EvalSpec spec, IntConsumer progress) {
        boolean bos = spec.promptCompat().addsBosToken(false);
        var requests = prepared.stream().map(p -> new Request.Generate(p.prompt(), STOP, spec.maxNewTokens(), bos)).toList();
        List<String> texts = lm.generate(requests, batchSize, progress);
        List<RecordResult> out = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) out.add(result(prepared.get(i), texts.get(i), Map.of()));
        return out;
    }

    private static RecordResult result(Prepared p, String prediction, Map<String, Double> labelScores) {
        return new RecordResult(p.record().position(), ContentHash.sha256Text(p.prompt()), p.fit().tokens(), p.fit().truncated(), prediction,
                p.record().output(), labelScores);
    }

}
