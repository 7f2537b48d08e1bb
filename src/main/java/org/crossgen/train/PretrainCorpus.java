package org.crossgen.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.InputFiles;
import org.crossgen.text.Tokenizer;

/**
 * Documents for pretraining from scratch, each trained as {@code BOS + text + EOS} (the loss on
 * every token after BOS): lines of {@code .txt} files, {@code "text"} fields of {@code .jsonl}
 * files, or the input fields of the shipped training sets (never test sets).
 */
public final class PretrainCorpus {
    private PretrainCorpus() {}

    /** One document per non-blank line of a .txt file, or per {@code {"text": ...}} line of a .jsonl file. */
    public static List<String> readFiles(List<Path> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> docs = new ArrayList<>();
        for (Path f : files) {
            int line = 0;
            for (String s : Files.readAllLines(InputFiles.requireRegularFile(f, "corpus file"), StandardCharsets.UTF_8)) {
                line++;
                if (s.isBlank()) continue;
                if (f.toString().endsWith(".jsonl")) {
                    JsonNode n = json.readTree(s).get("text");
                    if (n == null || !n.isTextual()) throw new IOException(f + ", line " + line + ": field 'text' is missing or not a string");
                    docs.add(n.asText());
                } else {
                    docs.add(s);
                }
            }
        }
        return docs;
    }

    /**
     * The input fields (not outputs) of the largest training file of every dataset that has one:
     * each field of each record is one document.
     */
    public static List<String> trainingInputs(TaskRegistry registry) {
        List<String> docs = new ArrayList<>();
        for (Dataset d : registry.datasets()) {
            if (d.train().isEmpty()) continue;
            int size = d.train().lastKey();
            for (Example e : d.trainExamples(size)) {
                for (String field : d.task().fields()) {
                    String text = e.field(field);
                    if (!text.isBlank()) docs.add(text);
                }
            }
        }
        return docs;
    }

    /** Tokenizes documents to at most {@code maxLength} tokens each (BOS and EOS included). */
    public static List<SftExample> encode(List<String> docs, Tokenizer tokenizer, int maxLength) {
        List<SftExample> out = new ArrayList<>(docs.size());
        long[] bos = {tokenizer.bosId()};
        for (String d : docs) {
            long[] ids = tokenizer.encode(d, false);
            out.add(new SftExample(bos, Arrays.copyOf(ids, Math.min(ids.length, maxLength - 2))));
        }
        return out;
    }
}
