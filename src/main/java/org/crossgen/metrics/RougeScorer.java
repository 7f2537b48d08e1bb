package org.crossgen.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum exactly as Google's {@code rouge-score} 0.1.2
 * {@code RougeScorer(types, use_stemmer)} computes them (checked against its outputs to 1e-9 in
 * {@code RougeBleuGoldenTest}):
 * <ul>
 *   <li>tokens: see {@link RougeTokenizer}; a text without tokens scores 0;
 *   <li>ROUGE-N: n-gram counts clipped to the other side's counts, P = matches / max(hyp n-grams, 1),
 *       R = matches / max(ref n-grams, 1);
 *   <li>ROUGE-L: P = LCS / hyp tokens, R = LCS / ref tokens;
 *   <li>ROUGE-Lsum: sentences are the non-empty lines ({@code \n}); for each reference sentence the
 *       union of its LCS positions with every hypothesis sentence counts as hits, each token at
 *       most as often as it occurs on both sides (as ROUGE-1.5.5 does).
 * </ul>
 * Thread-safe: a scorer holds only immutable configuration.
 */
public final class RougeScorer {
    /**
     * ROUGE-Lsum compares every reference line with every hypothesis line, a few microseconds a
     * pair: beyond 10^7 pairs (e.g. two texts of 3,000+ lines each) it is refused.
     */
    static final long MAX_SENTENCE_PAIRS = 10_000_000L;

    private final Set<RougeType> types;
    private final RougeTokenizer tokenizer;

    /**
     * @param types      the variants {@link #score} returns; must not be empty
     * @param useStemmer Porter-stem tokens longer than three characters ({@code use_stemmer=True})
     */
    public RougeScorer(Set<RougeType> types, boolean useStemmer) {
        if (types.isEmpty()) throw new IllegalArgumentException("at least one ROUGE type is required");
        this.types = Collections.unmodifiableSet(EnumSet.copyOf(types));
        this.tokenizer = new RougeTokenizer(useStemmer);
    }

    /** A scorer for all four variants. */
    public static RougeScorer allTypes(boolean useStemmer) {
        return new RougeScorer(EnumSet.allOf(RougeType.class), useStemmer);
    }

    /**
     * Scores {@code hypothesis} against {@code reference} (rouge-score's {@code score(target,
     * prediction)}); returns one score per configured type, in {@link RougeType} order.
     */
    public Map<RougeType, RougeScore> score(String reference, String hypothesis) {
        List<String> ref = tokenizer.tokenize(reference);
        List<String> hyp = tokenizer.tokenize(hypothesis);
        Map<RougeType, RougeScore> scores = new EnumMap<>(RougeType.class);
        for (RougeType type : types) {
            scores.put(type, switch (type) {
                case ROUGE1 -> ngramOverlap(ref, hyp, 1);
                case ROUGE2 -> ngramOverlap(ref, hyp, 2);
                case ROUGE_L -> lcs(ref, hyp);
                case ROUGE_LSUM -> summaryLevelLcs(sentences(reference), sentences(hypothesis));
            });
        }
        return Collections.unmodifiableMap(scores);
    }

    static RougeScore ngramOverlap(List<String> ref, List<String> hyp, int n) {
        Map<String, Integer> refCounts = Ngrams.count(ref, n);
        Map<String, Integer> hypCounts = Ngrams.count(hyp, n);
        long matches = Ngrams.clippedMatches(refCounts, hypCounts);
        return RougeScore.of((double) matches / Math.max(Ngrams.total(hypCounts), 1),
                (double) matches / Math.max(Ngrams.total(refCounts), 1));
    }

    static RougeScore lcs(List<String> ref, List<String> hyp) {
        if (ref.isEmpty() || hyp.isEmpty()) return RougeScore.ZERO;
        int lcs = Lcs.length(ref, hyp);
        return RougeScore.of((double) lcs / hyp.size(), (double) lcs / ref.size());
    }

    /** Non-empty lines, tokenized; a line of punctuation stays as an empty token list. */
    private List<List<String>> sentences(String text) {
        List<List<String>> sentences = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) sentences.add(tokenizer.tokenize(line));
        }
        return sentences;
    }

    static RougeScore summaryLevelLcs(List<List<String>> refSentences, List<List<String>> hypSentences) {
        int refTokens = refSentences.stream().mapToInt(List::size).sum();
        int hypTokens = hypSentences.stream().mapToInt(List::size).sum();
        if (refTokens == 0 || hypTokens == 0) return RougeScore.ZERO;
        // Lines without tokens (punctuation only) have no LCS; leaving them out keeps them from costing a pass each.
        List<List<String>> refs = refSentences.stream().filter(s -> !s.isEmpty()).toList();
        List<List<String>> hyps = hypSentences.stream().filter(s -> !s.isEmpty()).toList();
        Lcs.requireFeasible(refTokens, hypTokens); // the LCS tables below cover refTokens·hypTokens cells in all
        if ((long) refs.size() * hyps.size() > MAX_SENTENCE_PAIRS) {
            throw new IllegalArgumentException("texts of " + refs.size() + " and " + hyps.size() + " lines: ROUGE-Lsum would "
                    + "compare " + (long) refs.size() * hyps.size() + " pairs of lines, more than the limit of 10^7");
        }

        // Tokens still available to be counted as hits on each side, so that a token in several
        // unions is not counted more often than it occurs.
        Map<String, Integer> refLeft = tokenCounts(refSentences);
        Map<String, Integer> hypLeft = tokenCounts(hypSentences);
        int hits = 0;
        for (List<String> ref : refs) {
            boolean[] inUnion = new boolean[ref.size()];
            for (List<String> hyp : hyps) {
                for (int i : Lcs.refIndices(ref, hyp)) inUnion[i] = true;
            }
            for (int i = 0; i < ref.size(); i++) {
                String token = ref.get(i);
                if (inUnion[i] && hypLeft.getOrDefault(token, 0) > 0 && refLeft.getOrDefault(token, 0) > 0) {
                    hits++;
                    hypLeft.merge(token, -1, Integer::sum);
                    refLeft.merge(token, -1, Integer::sum);
                }
            }
        }
        return RougeScore.of((double) hits / hypTokens, (double) hits / refTokens);
    }

    private static Map<String, Integer> tokenCounts(List<List<String>> sentences) {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> s : sentences) for (String token : s) counts.merge(token, 1, Integer::sum);
        return counts;
    }
}
