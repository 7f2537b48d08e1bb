package org.crossgen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.study.CostEstimate;
import org.crossgen.study.DataWarnings;
import org.crossgen.study.Eta;
import org.crossgen.study.ResultStore;
import org.crossgen.study.StudyPhase;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudyStatus;
import org.crossgen.study.WorkState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Validate a study spec and print its training jobs and evaluation cells, what is done, and an estimate of the cost.")
final class StudyPlanCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;
    @Mixin RegistryOptions registryOptions;

    @Mixin StudySpecOptions specOptions;


    @Option(names = "--train-tokens-per-s", defaultValue = "2000", paramLabel = "N",
            description = "Assumed training throughput when none is measured yet (default: ${DEFAULT-VALUE}).")
    double trainTokensPerSecond;

    @Option(names = "--eval-records-per-s", defaultValue = "4", paramLabel = "N",
            description = "Assumed evaluation throughput when none is measured yet (default: ${DEFAULT-VALUE}).")
    double evalRecordsPerSecond;

    @Option(names = "--brief", description = "Counts and estimate only, no list of jobs and cells.")
    boolean brief;

    @Option(names = "--json", description = "Print the plan (jobs, cells, their state and cost, data warnings, the estimate) "
            + "as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = study.root.out();
        Path folder = specOptions.layout().dir();
        TaskRegistry registry = registryOptions.registry();
        StudyPlan plan = StudyCommand.plan(specOptions.spec, specOptions.layout(), registry, false);
        CostEstimate cost = CostEstimate.of(plan, registry);

        List<ResultStore.WorkRow> jobRows, cellRows;
        boolean started = ResultStore.exists(folder);
        try (ResultStore store = started ? ResultStore.open(folder) : null) {
            jobRows = Eta.planRows(plan, StudyPhase.TRAIN, store);
            cellRows = Eta.planRows(plan, StudyPhase.EVAL, store);
        }
        List<String> warnings = DataWarnings.of(plan.spec(), registry);
        // time: measured throughput of finished work where there is some, else the assumed one
        Eta.Left train = Eta.of(jobRows, key -> cost.trainTokens().get(key), trainTokensPerSecond);
        Eta.Left eval = Eta.of(cellRows, key -> cost.evalRecords().get(key), evalRecordsPerSecond);
        if (json) {
            ObjectNode j = JsonOutput.object().put("spec", specOptions.spec.toString()).put("folder", folder.toString())
                    .put("started", started);
            work(j.putArray("jobs"), jobRows, "train_tokens", cost.trainTokens());
            work(j.putArray("cells"), cellRows, "records", cost.evalRecords());
            warnings.forEach(j.putArray("data_warnings")::add);
            j.putObject("cost").put("train_tokens", cost.totalTrainTokens()).put("eval_records", cost.totalEvalRecords());
            ObjectNode left = j.putObject("left");
            left(left.putObject("train"), train, "tokens");
            left(left.putObject("eval"), eval, "records");
            JsonOutput.print(out, j);
            return 0;
        }
        out.println("study " + specOptions.spec + " -> " + folder + (started ? "" : " (not started)"));
        out.println("training jobs: " + plan.jobs().size() + " (" + done(jobRows) + " done)");
        if (!brief) {
            for (ResultStore.WorkRow r : jobRows) {
                out.printf("  %-5s %s  %s  ~%,d tokens%n", mark(r), r.key().substring(0, 12), r.label(), cost.trainTokens().get(r.key()));
            }
        }
        out.println("evaluation cells: " + plan.cells().size() + " (" + done(cellRows) + " done)");
        if (!brief) {
            for (ResultStore.WorkRow r : cellRows) {
                out.printf("  %-5s %s  %s  %d records%n", mark(r), r.key().substring(0, 12), r.label(), cost.evalRecords().get(r.key()));
            }
        }
        if (!warnings.isEmpty()) {
            out.println("data warnings (crossgen data validate lists every record):");
            for (String w : warnings) out.println("  " + w);
        }
        out.printf("cost: training ~%,d tokens (chars/4, epochs included), evaluation %,d records%n",
                cost.totalTrainTokens(), cost.totalEvalRecords());
        out.printf("left: training ~%,.0f tokens at %.0f tokens/s (%s) ~ %s; evaluation %,.0f records at %.2f records/s (%s) ~ %s%n",
                train.cost(), train.costPerSecond(), source(train), StudyStatus.duration(train.seconds()),
                eval.cost(), eval.costPerSecond(), source(eval), StudyStatus.duration(eval.seconds()));
        return 0;
    }

    /** One object per job or cell: key, label, state and its cost in {@code unit}. */
    private static void work(ArrayNode array, List<ResultStore.WorkRow> rows, String unit, Map<String, ? extends Number> cost) {
        for (ResultStore.WorkRow r : rows) {
            array.addObject().put("key", r.key()).put("label", r.label()).put("state", r.state().name().toLowerCase(Locale.ROOT))
                    .put(unit, cost.get(r.key()).longValue());
        }
    }

    private static void left(ObjectNode o, Eta.Left left, String unit) {
        o.put(unit, left.cost()).put(unit + "_per_s", left.costPerSecond()).put("rate", source(left)).put("seconds", left.seconds());
    }

    private static long done(List<ResultStore.WorkRow> rows) {
        return rows.stream().filter(r -> r.state() == WorkState.DONE).count();
    }

    private static String mark(ResultStore.WorkRow r) {
        return r.state() == WorkState.DONE ? "done" : "-";
    }

    private static String source(Eta.Left left) {
        return left.measured() ? "measured" : "assumed";
    }
}
