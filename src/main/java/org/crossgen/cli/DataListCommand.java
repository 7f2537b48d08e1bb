package org.crossgen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.Split;
import org.crossgen.data.Task;
import org.crossgen.data.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code crossgen data list}: tasks, then datasets with split sizes and test label counts. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List tasks and datasets: split sizes and test label distribution.")
final class DataListCommand implements Runnable {
    @ParentCommand DataCommand data;
    @Mixin RegistryOptions options;
    @Option(names = "--json", description = "Print tasks and datasets as one JSON object.") boolean json;

    @Override
    public void run() {
        TaskRegistry registry = options.registry();
        PrintWriter out = data.root.out();
        if (json) {
            JsonOutput.print(out, json(registry));
            return;
        }
        out.printf("%-10s %-15s %s%n", "task", "kind", "fields -> output / metrics");
        for (Task t : registry.tasks()) {
            out.printf("%-10s %-15s %s -> %s / %s%n", t.name(),
                    t.isClassification() ? "classification" : "generation", String.join(", ", t.fields()),
                    t.isClassification() ? t.labels() : "text", String.join(", ", t.metrics()));
        }
        out.println();
        out.printf("%-21s %5s %5s  %-30s %s%n", "dataset (* in-domain)", "test", "demos", "train (nominal:records)",
                "test labels");
        for (Dataset d : registry.datasets()) {
            List<Example> test = d.testExamples();
            StringJoiner train = new StringJoiner(" ");
            for (int size : d.train().keySet()) train.add(size + ":" + d.load(Split.TRAIN, size).size());
            out.printf("%-21s %5d %5s  %-30s %s%n", d.id() + (d.inDomain() ? " *" : ""), test.size(),
                    d.demosFile().isPresent() ? Integer.toString(d.demonstrations().size()) : "-",
                    train.length() == 0 ? "-" : train.toString(), d.task().isClassification() ? labels(d.task(), test) : "");
        }
        out.flush();
    }

    /** "positive 260, negative 240" in label order, then the unlabelled "-" if any. */
    private static String labels(Task task, List<Example> examples) {
        StringJoiner s = new StringJoiner(", ");
        labelCounts(task, examples).forEach((label, n) -> s.add(label + " " + n));
        return s.toString();
    }

    private static Map<String, Integer> labelCounts(Task task, List<Example> examples) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String label : task.labels()) counts.put(label, 0);
        for (Example e : examples) counts.merge(e.output(), 1, Integer::sum);
        return counts;
    }

    /** The table's content: tasks, then datasets with test, demonstration and training record counts. */
    private static ObjectNode json(TaskRegistry registry) {
        ObjectNode root = JsonOutput.object();
        ArrayNode tasks = root.putArray("tasks");
        for (Task t : registry.tasks()) {
            ObjectNode o = tasks.addObject().put("name", t.name()).put("kind", t.isClassification() ? "classification" : "generation");
            t.fields().forEach(o.putArray("fields")::add);
            if (t.isClassification()) t.labels().forEach(o.putArray("labels")::add);
            t.metrics().forEach(o.putArray("metrics")::add);
        }
        ArrayNode datasets = root.putArray("datasets");
        for (Dataset d : registry.datasets()) {
            List<Example> test = d.testExamples();
            ObjectNode o = datasets.addObject().put("id", d.id()).put("task", d.task().name()).put("in_domain", d.inDomain())
                    .put("test", test.size());
            if (d.demosFile().isPresent()) o.put("demos", d.demonstrations().size());
            else o.putNull("demos");
            ObjectNode train = o.putObject("train");
            for (int size : d.train().keySet()) train.put(Integer.toString(size), d.load(Split.TRAIN, size).size());
            if (d.task().isClassification()) labelCounts(d.task(), test).forEach(o.putObject("test_labels")::put);
        }
        return root;
    }
}
