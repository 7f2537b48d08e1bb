package org.crossgen.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.study.CostEstimate;
import org.crossgen.study.DataWarnings;
import org.crossgen.study.Eta;
import org.crossgen.study.ResultStore;
import org.crossgen.study.SftJobTrainer;
import org.crossgen.study.StudyPhase;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudySpec;
import org.crossgen.study.StudyStatus;
import org.crossgen.study.TrainingJob;
import org.crossgen.train.MemoryPlan;
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
        out.println("study " + specOptions.spec + " -> " + folder + (started ? "" : " (not started)"));
        out.println("training jobs: " + plan.jobs().size() + " (" + done(jobRows) + " done)");
        if (!brief) {
            for (ResultStore.WorkRow r : jobRows) {
                out.printf("  %-5s %s  %s  ~%,d tokens%n", mark(r), r.key().substring(0, 12), r.label(), cost.trainTokens().get(r.key()));
            }
        }
        if (!plan.jobs().isEmpty()) printMemoryPlans(out, plan);
        out.println("evaluation cells: " + plan.cells().size() + " (" + done(cellRows) + " done)");
        if (!brief) {
            for (ResultStore.WorkRow r : cellRows) {
                out.printf("  %-5s %s  %s  %d records%n", mark(r), r.key().substring(0, 12), r.label(), cost.evalRecords().get(r.key()));
            }
        }
        List<String> warnings = DataWarnings.of(plan.spec(), registry);
        if (!warnings.isEmpty()) {
            out.println("data warnings (crossgen data validate lists every record):");
            for (String w : warnings) out.println("  " + w);
        }
        // time: measured throughput of finished work where there is some, else the assumed one
        Eta.Left train = Eta.of(jobRows, key -> cost.trainTokens().get(key), trainTokensPerSecond);
        Eta.Left eval = Eta.of(cellRows, key -> cost.evalRecords().get(key), evalRecordsPerSecond);
        out.printf("cost: training ~%,d tokens (chars/4, epochs included), evaluation %,d records%n",
                cost.totalTrainTokens(), cost.totalEvalRecords());
        out.printf("left: training ~%,.0f tokens at %.0f tokens/s (%s) ~ %s; evaluation %,.0f records at %.2f records/s (%s) ~ %s%n",
                train.cost(), train.costPerSecond(), source(train), StudyStatus.duration(train.seconds()),
                eval.cost(), eval.costPerSecond(), source(eval), StudyStatus.duration(eval.seconds()));
        return 0;
    }

    /** The ranks of each training job and, per base model, the memory plan of one rank (from its config.json alone). */
    private static void printMemoryPlans(PrintWriter out, StudyPlan plan) {
        StudySpec.Training t = plan.spec().training();
        out.printf("training: %d rank(s) per job (training.gpus_per_job)%s, %s, activation checkpointing %s; memory plan per rank:%n",
                t.ranks(), t.ranks() > 1 ? ", ZeRO " + t.zero().stage : "", plan.spec().dtype().torchName(),
                t.activationCheckpointing() ? "on" : "off");
        Map<String, TrainingJob> firstOfModel = new LinkedHashMap<>();
        for (TrainingJob j : plan.jobs()) firstOfModel.putIfAbsent(j.base().name(), j);
        for (TrainingJob j : firstOfModel.values()) {
            try {
                MemoryPlan m = SftJobTrainer.memoryPlan(j);
                out.printf("  %s (%,d parameters, %,d trainable):%n", j.base().name(), m.parameters(), m.trainable());
                out.print(m.table(null, 0).indent(2));
            } catch (IOException | RuntimeException e) {
                out.println("  " + j.base().name() + ": no plan: " + e.getMessage());
            }
        }
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
