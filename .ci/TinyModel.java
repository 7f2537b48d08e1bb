// Writes a tiny random Llama (hidden 32, 1 layer, 32k vocab) with the mistral-32k tokenizer into a folder,
// for the Slurm end-to-end check: java -cp "target/classes:$(cat target/classpath.txt)" .ci/TinyModel.java DIR SEED
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;

public class TinyModel {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        try (LlamaModel m = LlamaModel.random(LlamaConfig.of(32000, 32, 1, 2, 1, 64, true), seed, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(dir);
        }
        Path tok = Path.of("src/main/resources/tokenizers/mistral-32k");
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) Files.copy(tok.resolve(f), dir.resolve(f));
    }
}
