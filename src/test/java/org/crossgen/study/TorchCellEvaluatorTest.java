package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.data.TaskRegistry;
import org.crossgen.tensor.ComputeDevice;
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
}
