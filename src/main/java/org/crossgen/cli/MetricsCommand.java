package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.crossgen.files.AtomicFiles;
import org.crossgen.metrics.GenerationScorer;
import org.crossgen.metrics.GenerationScores;
import org.crossgen.metrics.PairScores;
import org.crossgen.metrics.PairsFile;
import org.crossgen.metrics.RougeType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crossgen metrics}: ROUGE (mean F), corpus BLEU and corpus chrF of hypotheses against
 * references read from JSONL. Output is one JSON object with {@code --json}, else a short table;
 * {@code --per-record} also writes each pair's ROUGE F and sentence BLEU, one JSON line per pair.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Score hypotheses against references: ROUGE-1/2/L/Lsum (mean F), corpus BLEU and chrF.")
final class MetricsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand CrossgenCommand root;

    @Option(names = "--pairs", required = true, paramLabel = "FILE.jsonl",
            description = "One {\"reference\": ..., \"hypothesis\": ...} object per line.")
    Path pairs;

    @Option(names = "--stemmer", description = "Porter-stem ROUGE tokens (rouge-score's use_stemmer=True).")
    boolean stemmer;

    @Option(names = "--per-record", paramLabel = "OUT.jsonl",
            description = "Also write each pair's ROUGE F values and sentence BLEU here (replaced atomically).")
    Path perRecord;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        GenerationScores scores = new GenerationScorer(stemmer).score(PairsFile.read(pairs));
        if (perRecord != null) AtomicFiles.writeString(perRecord, perRecordLines(scores.pairs()).stream().map(l -> l + "\n").collect(Collectors.joining()));
        root.out().println(json ? summaryJson(scores) : summaryTable(scores));
        root.out().flush();
        return 0;
    }

    private static String summaryJson(GenerationScores s) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        for (RougeType type : RougeType.values()) o.put(type.key(), s.meanRougeF().get(type));
        o.put("bleu", s.bleu().score());
        o.put("chrf", s.chrf().score());
        o.put("bleu_signature", s.bleu().signature());
        o.put("chrf_signature", s.chrf().signature());
        o.put("n", s.n());
        return JSON.writeValueAsString(o);
    }

    private static String summaryTable(GenerationScores s) {
        StringBuilder table = new StringBuilder(String.format("%-10s %8s%n", "metric", "value"));
        for (RougeType type : RougeType.values()) {
            table.append(String.format("%-10s %8.4f  mean F over %d pairs%n", type.key(), s.meanRougeF().get(type), s.n()));
        }
        table.append(String.format("%-10s %8.2f  %s%n", "bleu", s.bleu().score(), s.bleu().signature()));
        table.append(String.format("%-10s %8.2f  %s", "chrf", s.chrf().score(), s.chrf().signature()));
        return table.toString();
    }

    private static List<String> perRecordLines(List<PairScores> pairs) throws IOException {
        List<String> lines = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            PairScores p = pairs.get(i);
            ObjectNode o = JSON.createObjectNode();
            o.put("index", i);
            for (RougeType type : RougeType.values()) o.put(type.key(), p.rougeF(type));
            o.put("sentence_bleu", p.sentenceBleu());
            lines.add(JSON.writeValueAsString(o));
        }
        return lines;
    }
}
