package org.crossgen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crossgen data show}: the records of one split as JSON lines, or one record. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Print a split's records as JSON lines (position, idx, fields, output), "
        + "or one record with --index.")
final class DataShowCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand DataCommand data;
    @Mixin RegistryOptions options;
    @Parameters(paramLabel = "DATASET", description = "Dataset id, e.g. sentiment/yelp.") String datasetId;
    @Option(names = "--split", defaultValue = "test", description = "test, train or demos (default: ${DEFAULT-VALUE}).")
    Split split;
    @Option(names = "--size", description = "Nominal training size (default: the smallest).") Integer size;
    @Option(names = "--index", description = "Only the record at this 0-based position.") Integer index;

    @Override
    public void run() {
        Dataset dataset = options.registry().dataset(datasetId);
        Split s = split;
        List<Example> examples = dataset.load(s, s == Split.TRAIN ? CliDefaults.trainSize(dataset, size) : 0);
        PrintWriter out = data.root.out();
        try {
            if (index != null) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                        json(CliDefaults.at(examples, index, dataset.id() + " " + s.cliName()))));
            } else {
                for (Example e : examples) out.println(JSON.writeValueAsString(json(e)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private static ObjectNode json(Example e) {
        ObjectNode node = JSON.createObjectNode().put("position", e.position());
        e.idx().ifPresent(idx -> node.put("idx", idx));
        e.fields().forEach(node::put);
        return node.put("output", e.output());
    }
}
