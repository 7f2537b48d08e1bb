package org.crossgen.cli;

import java.io.PrintWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.study.PlanView;
import org.crossgen.study.StudyPlan;
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
        }
        return 0;
    }
}
