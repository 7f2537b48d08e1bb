package org.crossgen.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.text.ContinuationTokens;
import org.crossgen.text.Tokenizer;

/**
 * {@link LanguageModel} over a {@link LlamaModel} and its tokenizer. Requests are processed
 * longest first (less padding, and an out-of-memory shows up in the first batch) and answers are
 * returned in request order. The token prefix all requests of a call share (a few-shot cell's
 * instruction and demonstrations) is run through the model once per call ({@link SharedPrefix}).
 */
public final class TorchLanguageModel implements LanguageModel {
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final TokenScorer scorer;
    private final GreedyGenerator generator;
    private boolean prefixReuse = true;

    public TorchLanguageModel(LlamaModel model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.scorer = new TokenScorer(model, tokenizer.padId());
        Set<Long> eos = new HashSet<>();
        eos.add(tokenizer.eosId());
        model.config().eosTokenIds().forEach(id -> eos.add(id.longValue()));
        this.generator = new GreedyGenerator(model, eos, tokenizer.padId());
    }

    /** Per-step progress of generation (steps done in the batch being decoded). */
    public TorchLanguageModel onGenerationStep(java.util.function.IntConsumer listener) {
        generator.onStep(listener);
        return this;
    }

    /**
     * Whether a shared prefix of at least {@link #MIN_SHARED_PREFIX} tokens is computed once per
     * call (the default) or with every request; the answers are the same up to kernel rounding.
     */
    public TorchLanguageModel prefixReuse(boolean on) {
        this.prefixReuse = on;
        return this;
    }

    /**
     * Shorter shared prefixes are recomputed with every request: below this, the saving does not
     * pay for the masked attention and the cache copies (docs/engine.md, prompt-prefix reuse).
     */
    public static final int MIN_SHARED_PREFIX = 32;

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public String dtype() {
        return model.dtype().torchName();
    }

    @Override
    public String device() {
        return model.device().name();
    }

    public LlamaModel model() {
        return model;
    }

    @Override
    public List<LogLikelihood> loglikelihood(List<Request.Loglikelihood> requests, int batchSize, IntConsumer progress) {
        List<ContinuationTokens> tokens = requests.stream()
                .map(r -> ContinuationTokens.of(tokenizer, r.context(), r.continuation(), r.addBos())).toList();
        try (SharedPrefix prefix = sharedPrefix(tokens.stream().map(ContinuationTokens::context).toList())) {
            return inBatches(tokens, t -> t.context().length + t.continuation().length, batchSize, progress,
                    batch -> Arrays.asList(scorer.logLikelihood(batch.stream().map(ContinuationTokens::context).toList(),
                            batch.stream().map(ContinuationTokens::continuation).toList(), prefix)));
        }
    }

    @Override
    public List<String> generate(List<Request.Generate> requests, int batchSize, IntConsumer progress) {
        record Job(long[] prompt, Request.Generate request) {}
        List<Job> jobs = requests.stream().map(r -> new Job(tokenizer.encode(r.context(), r.addBos()), r)).toList();
        try (SharedPrefix prefix = sharedPrefix(jobs.stream().map(Job::prompt).toList())) {
            return inBatches(jobs, j -> j.prompt().length, batchSize, progress, batch -> generateBatch(batch.stream()
                    .map(Job::request).toList(), batch.stream().map(Job::prompt).toList(), prefix));
        }
    }

    private List<String> generateBatch(List<Request.Generate> batch, List<long[]> prompts, SharedPrefix prefix) {
        int maxNew = batch.stream().mapToInt(Request.Generate::maxNewTokens).max().orElse(0);
        List<String> stops = batch.get(0).stopSequences();
        for (Request.Generate r : batch) {
            if (!r.stopSequences().equals(stops) || r.maxNewTokens() != maxNew) {
                throw new IllegalArgumentException("requests in one generate call must share stop strings and max tokens");
            }
        }
        StopCondition stop = stops.isEmpty() ? StopCondition.NEVER
                : ids -> StopStrings.stops(tokenizer.decode(ids), stops);
        List<long[]> out = generator.generate(prompts, maxNew, stop, prefix);
        return out.stream().map(ids -> StopStrings.clean(tokenizer.decode(ids), stops)).toList();
    }

    @Override
    public List<float[]> firstTokenLogits(List<Request.FirstTokenChoice> requests, int batchSize, IntConsumer progress) {
        record Job(long[] context, long[] candidates) {}
        List<Job> jobs = new ArrayList<>();
        for (Request.FirstTokenChoice r : requests) {
            long[] context = null;
            long[] firsts = new long[r.labels().size()];
            for (int i = 0; i < firsts.length; i++) {
                ContinuationTokens t = ContinuationTokens.of(tokenizer, r.context(), r.labels().get(i), r.addBos());
                if (t.continuation().length == 0) throw new IllegalArgumentException("label \"" + r.labels().get(i) + "\" encodes to no token");
                context = t.context();
                firsts[i] = t.continuation()[0];
            }
            checkDistinct(r.labels(), firsts);
            jobs.add(new Job(context, firsts));
        }
        try (SharedPrefix prefix = sharedPrefix(jobs.stream().map(Job::context).toList())) {
            return inBatches(jobs, j -> j.context().length, batchSize, progress, batch -> firstTokenBatch(
                    batch.stream().map(Job::context).toList(), batch.stream().map(Job::candidates).toList(), prefix));
        }
    }

    private List<float[]> firstTokenBatch(List<long[]> contexts, List<long[]> candidates, SharedPrefix prefix) {
        // rows may have different candidates: score the union, then pick each row's own
        long[] union = candidates.stream().flatMapToLong(Arrays::stream).distinct().toArray();
        float[][] logits = scorer.nextTokenLogits(contexts, union, prefix);
        List<float[]> out = new ArrayList<>();
        for (int b = 0; b < contexts.size(); b++) {
            long[] c = candidates.get(b);
            float[] row = new float[c.length];
            for (int i = 0; i < c.length; i++) row[i] = logits[b][indexOf(union, c[i])];
            out.add(row);
        }
        return out;
    }

    /** The prefix every row shares, computed once, or null when reuse is off or the prefix is too short to pay. */
    private SharedPrefix sharedPrefix(List<long[]> rows) {
        if (!prefixReuse || rows.size() < 2) return null;
        int length = SharedPrefix.commonLength(rows, 1);             // each row keeps a token to predict from
        return length < MIN_SHARED_PREFIX ? null : SharedPrefix.compute(model, Arrays.copyOf(rows.get(0), length));
    }

    private void checkDistinct(List<String> labels, long[] firsts) {
        for (int i = 0; i < firsts.length; i++) {
            for (int j = i + 1; j < firsts.length; j++) {
                if (firsts[i] == firsts[j]) {
                    throw new IllegalArgumentException("labels \"" + labels.get(i) + "\" and \"" + labels.get(j) + "\" share their first token "
                            + firsts[i] + " (\"" + tokenizer.decode(new long[] {firsts[i]}) + "\"), so first-token scoring cannot tell them "
                            + "apart; use the loglikelihood scoring mode");
                }
            }
        }
    }

    private static int indexOf(long[] a, long v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        throw new IllegalStateException("candidate " + v + " missing");
    }

    /** Runs {@code work} on batches ordered longest first and returns results in input order. */
    static <T, R> List<R> inBatches(List<T> items, Function<T, Integer> length, int batchSize, IntConsumer progress,
                                    Function<List<T>, List<R>> work) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        Integer[] order = IntStream.range(0, items.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparing((Integer i) -> -length.apply(items.get(i))).thenComparing(i -> i));
        List<R> out = new ArrayList<>(java.util.Collections.nCopies(items.size(), (R) null));
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            List<T> batch = new ArrayList<>();
            for (int k = start; k < end; k++) batch.add(items.get(order[k]));
            List<R> results = work.apply(batch);
            for (int k = start; k < end; k++) out.set(order[k], results.get(k - start));
            progress.accept(end - start);
        }
        return out;
    }
}
