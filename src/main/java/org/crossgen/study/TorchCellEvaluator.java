package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.Evaluator;
import org.crossgen.files.ContentHash;
import org.crossgen.infer.TorchLanguageModel;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraAdapter;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.text.Tokenizer;

/**
 * The real {@link CellEvaluator}: {@link Evaluator} over a {@link LlamaModel} loaded from the
 * model's folder. The model and tokenizer stay loaded while consecutive cells use the same model
 * (same key and dtype) and are released when the next model is loaded or on {@link #close()}.
 *
 * <p>The tokenizer comes from the model's folder, or from the base model's when a fine-tuned
 * checkpoint has none. It stays loaded across models whose tokenizer files are the same bytes (every
 * fine-tuned model of a study carries its base's), so each prompt is encoded once per worker
 * ({@link Tokenizer} keeps recent encodings).
 *
 * <p>A spec's adapter ({@link ModelRef#adapter}) is attached to the base, or merged into it. A LoRA
 * adapter folder given as a model (adapter_config.json, no config.json) is refused with a pointer to
 * its merged model: the study's own LoRA jobs publish merged weights
 * ({@code FineTuning.LoraOutput.MERGED}); give an adapter as the model entry's {@code adapter:}.
 */
public final class TorchCellEvaluator implements CellEvaluator, AutoCloseable {
    /** Per-record progress of the cell being evaluated. */
    @FunctionalInterface
    public interface RecordProgress {
        void update(EvalCell cell, int done, int total);
    }

    private final TaskRegistry registry;
    private final ComputeDevice device;
    private final int batchSize;
    private final RecordProgress progress;
    private String loadedKey;
    private LlamaModel model;
    private LoraAdapter adapter;   // attached to model, or null
    private Tokenizer tokenizer;
    private String tokenizerFiles;   // content hash of the loaded tokenizer's files
    private TorchLanguageModel lm;

    public TorchCellEvaluator(TaskRegistry registry, ComputeDevice device, int batchSize, RecordProgress progress) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        this.registry = registry;
        this.device = device;
        this.batchSize = batchSize;
        this.progress = progress == null ? (c, d, t) -> {} : progress;
    }

    @Override
    public EvalResult evaluate(ModelRef ref, EvalCell cell) throws IOException {
        load(ref, cell.dtype());
        Evaluator evaluator = new Evaluator(lm, registry, batchSize);
        int total = evaluator.size(cell.eval());
        return evaluator.run(ref.name(), cell.eval(), done -> progress.update(cell, done, total));
    }

    private void load(ModelRef ref, DType dtype) throws IOException {
        String key = ref.key() + "/" + dtype.torchName();
        if (key.equals(loadedKey)) return;
        closeModel();
        Path dir = ref.dir();
        if (!Files.isRegularFile(dir.resolve("config.json")) && Files.isRegularFile(dir.resolve("adapter_config.json"))) {
            throw new IOException(dir + " holds a LoRA adapter, not a model; evaluate its merged model "
                    + "(crossgen train --lora --merge writes it into OUT/merged)");
        }
        Path tokenizerDir = Files.isRegularFile(dir.resolve("tokenizer.json")) ? dir : ref.baseDir();
        model = LlamaModel.load(dir, dtype, device);
        try {
            if (ref.adapter() != null) attach(ref.adapter());
            String files = tokenizerFiles(tokenizerDir);
            if (!files.equals(tokenizerFiles)) {
                closeTokenizer();
                tokenizer = Tokenizer.load(tokenizerDir);
                tokenizerFiles = files;
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        lm = new TorchLanguageModel(model, tokenizer);
        loadedKey = key;
    }

    /** Attaches the adapter to the loaded model, or merges it into the weights (the same function, plain forwards after). */
    private void attach(StudySpec.Adapter a) throws IOException {
        adapter = LoraAdapter.load(model, a.dir());
        if (a.merge()) {
            adapter.merge();
            adapter.close();
            adapter = null;
        }
    }

    /** The loaded tokenizer (null before the first cell): for tests. */
    Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The content hash of {@code dir}'s tokenizer files. */
    private static String tokenizerFiles(Path dir) throws IOException {
        Path config = dir.resolve("tokenizer_config.json");
        return ContentHash.sha256(ContentHash.sha256(dir.resolve("tokenizer.json")),
                Files.isRegularFile(config) ? ContentHash.sha256(config) : "");
    }

    /** Releases the loaded model and tokenizer, if any. */
    @Override
    public void close() {
        closeModel();
        closeTokenizer();
    }

    private void closeModel() {
        if (adapter != null) adapter.close();
        if (model != null) model.close();
        adapter = null;
        model = null;
        lm = null;
        loadedKey = null;
    }

    private void closeTokenizer() {
        if (tokenizer != null) tokenizer.close();
        tokenizer = null;
        tokenizerFiles = null;
    }
}
