package org.crossgen.cli;

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
import picocli.CommandLine.ParentCommand;

/** {@code crossgen data list}: tasks, then datasets with split sizes and test label counts. */
@Command(name = "list", description = "List tasks and datasets: split sizes and test label distribution.")
final class DataListCommand implements Runnable {
    @ParentCommand DataCommand data;
    @Mixin RegistryOptions options;

    @Override
    public void run() {
        TaskRegistry registry = options.registry();
        PrintWriter out = data.root.out();
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
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String label : task.labels()) counts.put(label, 0);
        for (Example e : examples) counts.merge(e.output(), 1, Integer::sum);
        StringJoiner s = new StringJoiner(", ");
        counts.forEach((label, n) -> s.add(label + " " + n));
        return s.toString();
    }
}
