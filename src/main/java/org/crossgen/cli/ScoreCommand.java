package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Log-probabilities of continuations given a context, or raw logits for token ids.")
final class ScoreCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;
    @Mixin ModelOptions modelOptions;
    @Mixin AdapterOptions adapterOptions;

    @Option(names = "--context", paramLabel = "TEXT", description = "Context text (BOS is added by the tokenizer).")
    String context;

    @Option(names = "--continuation", arity = "1..*", paramLabel = "TEXT", description = "One or more continuations to score.")
    List<String> continuations = List.of();

    @Option(names = "--ids", paramLabel = "1,2,3", description = "Token ids to run (with --logits).")
    String ids;

    @Option(names = "--logits", description = "Print the logits at every position of --ids.")
    boolean logits;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (ids != null) {
            if (!logits) throw new IllegalArgumentException("--ids needs --logits (or use --context/--continuation to score text)");
            long[] input = ModelOptions.parseIds("--ids", ids);
            try (var adapted = adapterOptions.load(modelOptions); NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
                Tensor out = adapted.model().forward(Tensor.create(input, 1, input.length), Tensors.positions(1, input.length), null, null);
                float[][] values = Tensors.toFloat2d(out.select(0, 0));
                ObjectMapper m = new ObjectMapper();
                ObjectNode o = m.createObjectNode();
                ArrayNode in = o.putArray("input_ids");
                for (long id : input) in.add(id);
                ArrayNode rows = o.putArray("logits");
                for (float[] row : values) {
                    ArrayNode r = rows.addArray();
                    for (float v : row) r.add(v);
                }
                root.out().println(m.writeValueAsString(o));
            }
            return 0;
        }
        if (context == null || continuations.isEmpty()) {
            throw new IllegalArgumentException("give --context TEXT --continuation TEXT..., or --ids 1,2,3 --logits");
        }
        try (var adapted = adapterOptions.load(modelOptions)) {
            return TextRequests.score(root, modelOptions, adapted.model(), context, continuations, json);
        }
    }
}
