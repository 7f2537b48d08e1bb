package org.crossgen.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.crossgen.infer.LanguageModel;
import org.crossgen.infer.LogLikelihood;
import org.crossgen.infer.Request;
import org.crossgen.text.Tokenizer;

/**
 * A {@link LanguageModel} without tensors: it answers each request with a function the test
 * gives, records every request, and reports progress in batches as a real model does. Evaluator
 * tests with it run in milliseconds and check the evaluator's own logic: prompts, batching,
 * label choice, metrics.
 */
final class FakeLanguageModel implements LanguageModel, AutoCloseable {
    final List<Request> requests = new ArrayList<>();
    final List<Integer> progress = new ArrayList<>();
    private final Tokenizer tokenizer = Tokenizer.mistral32k();
    private Function<Request.FirstTokenChoice, float[]> firstToken = r -> { throw new AssertionError("unexpected " + r); };
    private Function<Request.Loglikelihood, LogLikelihood> loglikelihood = r -> { throw new AssertionError("unexpected " + r); };
    private Function<Integer, String> generation = i -> { throw new AssertionError("unexpected generation " + i); };

    FakeLanguageModel firstToken(Function<Request.FirstTokenChoice, float[]> f) {
        firstToken = f;
        return this;
    }

    FakeLanguageModel loglikelihood(Function<Request.Loglikelihood, LogLikelihood> f) {
        loglikelihood = f;
        return this;
    }

    /** Answers the i-th generation request (in request order) with {@code f(i)}. */
    FakeLanguageModel generation(Function<Integer, String> f) {
        generation = f;
        return this;
    }

    @Override
    public List<LogLikelihood> loglikelihood(List<Request.Loglikelihood> rs, int batchSize, IntConsumer done) {
        return answer(rs, batchSize, done, (r, i) -> loglikelihood.apply(r));
    }

    @Override
    public List<String> generate(List<Request.Generate> rs, int batchSize, IntConsumer done) {
        return answer(rs, batchSize, done, (r, i) -> generation.apply(i));
    }

    @Override
    public List<float[]> firstTokenLogits(List<Request.FirstTokenChoice> rs, int batchSize, IntConsumer done) {
        return answer(rs, batchSize, done, (r, i) -> firstToken.apply(r));
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public String dtype() {
        return "bfloat16";
    }

    @Override
    public String device() {
        return "cpu";
    }

    private interface Answer<R, A> {
        A of(R request, int index);
    }

    private <R extends Request, A> List<A> answer(List<R> rs, int batchSize, IntConsumer done, Answer<R, A> answer) {
        List<A> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            requests.add(rs.get(i));
            out.add(answer.of(rs.get(i), i));
            if ((i + 1) % batchSize == 0 || i == rs.size() - 1) {
                int n = (i % batchSize) + 1;
                progress.add(n);
                done.accept(n);
            }
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
