package org.crossgen.study;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.AtomicFiles;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.text.Tokenizer;

/**
 * Drift rows ({@link DriftMeter}) of trained models, measured once per model and kept in its
 * folder as {@code drift.json}. The study's trainer measures a model right after training it, while
 * the other workers are still busy ({@link SftJobTrainer}); the export measures any model that has
 * none (trained before drift existed, or by a trainer that failed to measure it).
 */
final class DriftCache {
    static final String FILE = "drift.json";
    /** Held-out prompts for the KL: the first records of every test set, zero-shot, template 0. */
    static final int PROMPTS_PER_SET = 4;
    static final int PROMPT_TOKENS = 96;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TaskRegistry registry;
    private final ComputeDevice device;

    DriftCache(TaskRegistry registry, ComputeDevice device) {
        this.registry = registry;
        this.device = device;
    }

    /**
     * The drift rows of {@code jobs}, in their order: read from {@code folder(job)/drift.json}, or
     * measured (each base model loaded once) and written there.
     */
    List<DriftRow> rows(List<TrainingJob> jobs, Function<TrainingJob, Path> folder) throws IOException {
        Map<TrainingJob, List<DriftRow>> found = new LinkedHashMap<>();
        Map<Path, List<TrainingJob>> missingByBase = new LinkedHashMap<>();
        for (TrainingJob j : jobs) {
            Path cached = folder.apply(j).resolve(FILE);
            if (Files.exists(cached)) found.put(j, JSON.readValue(cached.toFile(), new TypeReference<List<DriftRow>>() {}));
            else missingByBase.computeIfAbsent(j.base().dir(), k -> new ArrayList<>()).add(j);
        }
        for (Map.Entry<Path, List<TrainingJob>> e : missingByBase.entrySet()) {
            List<TrainingJob> missing = e.getValue();
            List<long[]> prompts;
            try (Tokenizer tokenizer = Tokenizer.load(e.getKey())) {
                prompts = DriftMeter.promptIds(tokenizer, heldOutPrompts(), PROMPT_TOKENS);
            }
            try (DriftMeter d = DriftMeter.against(missing.get(0).base().name(), e.getKey(), prompts, 8, DType.FLOAT32, device)) {
                for (TrainingJob j : missing) {
                    List<DriftRow> measured = d.measure(folder.apply(j), j);
                    AtomicFiles.writeString(folder.apply(j).resolve(FILE), JSON.writeValueAsString(measured));
                    found.put(j, measured);
                }
            }
        }
        List<DriftRow> rows = new ArrayList<>();
        for (TrainingJob j : jobs) rows.addAll(found.get(j));
        return rows;
    }

    /** Zero-shot, template-0 prompts of the first records of every test set with a demonstration pool. */
    List<String> heldOutPrompts() {
        List<String> texts = new ArrayList<>();
        for (Dataset d : registry.datasets()) {
            if (d.demosFile().isEmpty()) continue;
            PromptBuilder builder = new PromptBuilder(PromptTemplate.of(d.task(), 0));
            List<Example> tests = d.testExamples();
            for (Example e : tests.subList(0, Math.min(PROMPTS_PER_SET, tests.size()))) texts.add(builder.prompt(List.of(), e));
        }
        return texts;
    }
}
