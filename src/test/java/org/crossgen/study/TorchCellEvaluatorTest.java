package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalResult;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.testing.TinyModels;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCellEvaluatorTest {
    @Test
    void anAdapterFolderIsRefusedWithWhereItsMergedModelComesFrom(@TempDir Path tmp) throws IOException {
        Path adapter = Files.createDirectories(tmp.resolve("adapter"));
        Files.writeString(adapter.resolve("adapter_config.json"), "{}");
        EvalCell cell = StudyFixtures.cell("base", 0);
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(TaskRegistry.paper(), ComputeDevice.CPU, 1, null)) {
            IOException e = assertThrows(IOException.class, () -> evaluator.evaluate(new ModelRef("k", adapter, tmp, "m"), cell));
            assertEquals(adapter + " holds a LoRA adapter, not a model; evaluate its merged model "
                    + "(crossgen train --lora --merge writes it into OUT/merged)", e.getMessage());
        }
    }

    @Test
    void theTokenizerIsKeptAcrossModelsWithTheSameTokenizerFiles(@TempDir Path tmp) throws IOException {
        Path a = TinyModels.withTokenizer(tmp.resolve("a"), 1);
        Path b = TinyModels.withTokenizer(tmp.resolve("b"), 2);
        Path c = TinyModels.withTokenizer(tmp.resolve("c"), 3);
        Files.writeString(c.resolve("tokenizer_config.json"), "{\"pad_token\": \"<unk>\"}");
        EvalCell cell = StudyFixtures.cell("base", 0);
        EvalResult fresh;
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(TaskRegistry.paper(), ComputeDevice.CPU, 2, null)) {
            fresh = evaluator.evaluate(new ModelRef("b", b, b, "b"), cell);
        }
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(TaskRegistry.paper(), ComputeDevice.CPU, 2, null)) {
            evaluator.evaluate(new ModelRef("a", a, a, "a"), cell);
            Tokenizer first = evaluator.tokenizer();
            EvalResult afterA = evaluator.evaluate(new ModelRef("b", b, b, "b"), cell);
            assertSame(first, evaluator.tokenizer(), "b's tokenizer files are a's bytes");
            assertEquals(fresh.records(), afterA.records(), "the same predictions and scores as with a tokenizer of its own");
            evaluator.evaluate(new ModelRef("c", c, c, "c"), cell);
            assertNotSame(first, evaluator.tokenizer(), "c's tokenizer_config.json differs");
            assertEquals(0, evaluator.tokenizer().padId(), "c's pad token <unk>");
        }
    }
}
