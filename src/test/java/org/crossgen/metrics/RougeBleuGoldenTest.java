package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every number in the golden file, reproduced: ROUGE (rouge-score 0.1.2) to 1e-9, BLEU and chrF
 * (sacreBLEU 2.5.1) to 1e-6. A failure lists each value as "pair 17 (summary/xsum) rougeLsum
 * stemmed recall: got .. want ..".
 */
class RougeBleuGoldenTest {
    static final double ROUGE_TOLERANCE = 1e-9;
    static final double BLEU_TOLERANCE = 1e-6;

    static JsonNode golden;
    static List<TextPair> pairs;

    @BeforeAll
    static void load() {
        golden = MetricsGolden.read();
        pairs = MetricsGolden.pairs(golden);
    }

    @Test
    void rougeMatchesRougeScoreForEveryPairAndVariant() {
        Mismatches m = new Mismatches("ROUGE vs rouge-score 0.1.2", ROUGE_TOLERANCE);
        checkRouge(m, "rouge", RougeScorer.allTypes(false));
        checkRouge(m, "rouge_stemmed", RougeScorer.allTypes(true));
        System.out.println(m.assertNone());
    }

    private static void checkRouge(Mismatches m, String section, RougeScorer scorer) {
        for (int i = 0; i < pairs.size(); i++) {
            JsonNode want = golden.get("pairs").get(i).get(section);
            Map<RougeType, RougeScore> got = scorer.score(pairs.get(i).reference(), pairs.get(i).hypothesis());
            for (RougeType type : RougeType.values()) {
                JsonNode w = want.get(type.key());
                String where = pairName(i) + " " + section + "." + type.key();
                m.check(where + " precision", got.get(type).precision(), w.get("precision").asDouble());
                m.check(where + " recall", got.get(type).recall(), w.get("recall").asDouble());
                m.check(where + " fmeasure", got.get(type).f1(), w.get("fmeasure").asDouble());
            }
        }
    }

    @Test
    void sentenceBleuMatchesSacrebleuForEveryPair() {
        Mismatches m = new Mismatches("sentence BLEU vs sacreBLEU 2.5.1", BLEU_TOLERANCE);
        for (int i = 0; i < pairs.size(); i++) {
            double want = golden.get("pairs").get(i).get("sentence_bleu").asDouble();
            m.check(pairName(i) + " sentence_bleu",
                    Bleu.sentenceScore(pairs.get(i).hypothesis(), pairs.get(i).reference()).score(), want);
        }
        System.out.println(m.assertNone());
    }

    @Test
    void corpusBleuMatchesSacrebleuStatistics() {
        JsonNode want = golden.get("corpus");
        BleuScore got = Bleu.corpusScore(hypotheses(), references());
        Mismatches m = new Mismatches("corpus BLEU vs sacreBLEU 2.5.1", BLEU_TOLERANCE);
        m.check("corpus bleu", got.score(), want.get("bleu").asDouble());
        m.check("corpus bp", got.bp(), want.get("bp").asDouble());
        m.check("corpus sys_len", got.sysLen(), want.get("sys_len").asDouble());
        m.check("corpus ref_len", got.refLen(), want.get("ref_len").asDouble());
        for (int n = 0; n < Bleu.MAX_ORDER; n++) {
            m.check("corpus counts[" + n + "]", got.counts().get(n), want.get("counts").get(n).asDouble());
            m.check("corpus totals[" + n + "]", got.totals().get(n), want.get("totals").get(n).asDouble());
            m.check("corpus precisions[" + n + "]", got.precisions().get(n), want.get("precisions").get(n).asDouble());
        }
        System.out.println(m.assertNone());
        assertEquals(want.get("bleu_signature").textValue(), got.signature(), "corpus BLEU signature");
    }

    @Test
    void corpusChrfMatchesSacrebleu() {
        JsonNode want = golden.get("corpus");
        ChrfScore got = Chrf.corpusScore(hypotheses(), references());
        Mismatches m = new Mismatches("corpus chrF vs sacreBLEU 2.5.1", BLEU_TOLERANCE);
        m.check("corpus chrf", got.score(), want.get("chrf").asDouble());
        System.out.println(m.assertNone());
        assertEquals(want.get("chrf_signature").textValue(), got.signature(), "corpus chrF signature");
    }

    @Test
    void meanRougeFMatchesGoldenCorpusMeans() {
        Mismatches m = new Mismatches("corpus mean ROUGE F vs rouge-score 0.1.2", ROUGE_TOLERANCE);
        checkMeans(m, "rouge_mean_fmeasure", false);
        checkMeans(m, "rouge_stemmed_mean_fmeasure", true);
        System.out.println(m.assertNone());
    }

    private static void checkMeans(Mismatches m, String section, boolean stemmer) {
        GenerationScores got = new GenerationScorer(stemmer).score(pairs);
        for (RougeType type : RougeType.values()) {
            m.check("corpus " + section + "." + type.key(), got.meanRougeF().get(type),
                    golden.get("corpus").get(section).get(type.key()).asDouble());
        }
    }

    private static String pairName(int i) {
        return "pair " + i + " (" + golden.get("pairs").get(i).get("source").textValue() + ")";
    }

    private static List<String> hypotheses() {
        List<String> h = new ArrayList<>();
        for (TextPair p : pairs) h.add(p.hypothesis());
        return h;
    }

    private static List<String> references() {
        List<String> r = new ArrayList<>();
        for (TextPair p : pairs) r.add(p.reference());
        return r;
    }
}
