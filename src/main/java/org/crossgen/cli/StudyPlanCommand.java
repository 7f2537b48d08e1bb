package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.study.PlanView;
import org.crossgen.study.SftJobTrainer;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudySpec;
import org.crossgen.study.TrainingJob;
import org.crossgen.train.MemoryPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Validate a study spec and print its training jobs and evaluation cells, what is done, and an estimate of the cost. "
                + "Needs no model weights: a model folder not on this machine is planned by name (at most its config.json is read).")
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

    @Option(names = "--json", description = "Print the plan as one JSON object (counts, shots by task, what is left out, estimates).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = study.root.out();
        TaskRegistry registry = registryOptions.registry();
        StudyPlan plan = StudyCommand.planWithoutModels(specOptions.spec, specOptions.layout(), registry);
        PlanView view = PlanView.of(plan, specOptions.layout().dir(), registry, trainTokensPerSecond, evalRecordsPerSecond);
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(view.json(brief)));
        } else {
            view.lines(specOptions.spec, brief).forEach(out::println);
            if (!plan.jobs().isEmpty()) printMemoryPlans(out, plan);
        }
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
}
