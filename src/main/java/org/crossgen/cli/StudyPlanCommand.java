package org.crossgen.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.study.CostEstimate;
import org.crossgen.study.EvalCell;
import org.crossgen.study.ResultStore;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudyStatus;
import org.crossgen.study.TrainingJob;
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

        Set<String> doneJobs = new HashSet<>(), doneCells = new HashSet<>();
        List<ResultStore.WorkRow> jobRows = List.of(), cellRows = List.of();
        if (ResultStore.exists(folder)) {
            try (ResultStore store = ResultStore.open(folder)) {
                doneJobs = store.doneKeys(ResultStore.Table.JOBS);
                doneCells = store.doneKeys(ResultStore.Table.CELLS);
                jobRows = store.workRows(ResultStore.Table.JOBS);
                cellRows = store.workRows(ResultStore.Table.CELLS);
            }
        }
        out.println("study " + specOptions.spec + " -> " + folder + (ResultStore.exists(folder) ? "" : " (not started)"));
        out.println("training jobs: " + plan.jobs().size() + " (" + count(plan.jobs().stream().map(TrainingJob::key).toList(), doneJobs)
                + " done)");
        if (!brief) {
            for (TrainingJob j : plan.jobs()) {
                out.printf("  %-5s %s  %s  ~%,d tokens%n", doneJobs.contains(j.key()) ? "done" : "-", j.key().substring(0, 12),
                        j.label(), cost.trainTokens().get(j.key()));
            }
        }
        out.println("evaluation cells: " + plan.cells().size() + " (" + count(plan.cells().stream().map(EvalCell::key).toList(),
                doneCells) + " done)");
        if (!brief) {
            for (EvalCell c : plan.cells()) {
                out.printf("  %-5s %s  %s  %d records%n", doneCells.contains(c.key()) ? "done" : "-", c.key().substring(0, 12),
                        c.label(), cost.evalRecords().get(c.key()));
            }
        }

        // time: measured throughput of finished work where there is some, else the assumed one
        double trainRate = trainTokensPerSecond, evalRate = evalRecordsPerSecond;
        String trainSource = "assumed", evalSource = "assumed";
        double jobSeconds = 0, jobTokens = 0;
        for (ResultStore.WorkRow r : jobRows) {
            Long t = cost.trainTokens().get(r.key());
            if (r.state() == WorkState.DONE && r.elapsedSeconds() != null && t != null && r.elapsedSeconds() > 0) {
                jobSeconds += r.elapsedSeconds();
                jobTokens += t;
            }
        }
        if (jobSeconds > 0) {
            trainRate = jobTokens / jobSeconds;
            trainSource = "measured";
        }
        double cellSeconds = 0, cellRecords = 0;
        for (ResultStore.WorkRow r : cellRows) {
            Integer n = cost.evalRecords().get(r.key());
            if (r.state() == WorkState.DONE && r.elapsedSeconds() != null && n != null) {
                cellSeconds += r.elapsedSeconds();
                cellRecords += n;
            }
        }
        if (cellSeconds > 0) {
            evalRate = cellRecords / cellSeconds;
            evalSource = "measured";
        }
        long leftTokens = 0, leftRecords = 0;
        for (TrainingJob j : plan.jobs()) if (!doneJobs.contains(j.key())) leftTokens += cost.trainTokens().get(j.key());
        for (EvalCell c : plan.cells()) if (!doneCells.contains(c.key())) leftRecords += cost.evalRecords().get(c.key());
        out.printf("cost: training ~%,d tokens (chars/4, epochs included), evaluation %,d records%n",
                cost.totalTrainTokens(), cost.totalEvalRecords());
        out.printf("left: training ~%,d tokens at %.0f tokens/s (%s) ~ %s; evaluation %,d records at %.2f records/s (%s) ~ %s%n",
                leftTokens, trainRate, trainSource, StudyStatus.duration(leftTokens / trainRate),
                leftRecords, evalRate, evalSource, StudyStatus.duration(leftRecords / evalRate));
        return 0;
    }

    private static long count(List<String> keys, Set<String> done) {
        return keys.stream().filter(done::contains).count();
    }
}
