package org.crossgen.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.crossgen.data.Dataset;
import org.crossgen.data.Problem;
import org.crossgen.data.TaskRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crossgen data validate}: every problem of the named datasets, one line each; exit 1 on errors. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check every record of the datasets (all when none is named); "
        + "one line per problem, exit code 1 if any is an error.")
final class DataValidateCommand implements Callable<Integer> {
    @ParentCommand DataCommand data;
    @Mixin RegistryOptions options;
    @Parameters(paramLabel = "DATASET", arity = "0..*", description = "Dataset ids, e.g. sentiment/yelp.")
    List<String> datasetIds = new ArrayList<>();

    @Override
    public Integer call() {
        TaskRegistry registry = options.registry();
        List<Dataset> datasets = new ArrayList<>();
        if (datasetIds.isEmpty()) datasets.addAll(registry.datasets());
        for (String id : datasetIds) datasets.add(registry.dataset(id));
        PrintWriter out = data.root.out();
        int errors = 0;
        int warnings = 0;
        for (Dataset d : datasets) {
            for (Problem p : d.validate()) {
                out.println((p.isError() ? "error: " : "warning: ") + p);
                if (p.isError()) errors++;
                else warnings++;
            }
        }
        out.println(errors + " error(s), " + warnings + " warning(s) in " + datasets.size() + " dataset(s)");
        out.flush();
        return errors == 0 ? 0 : 1;
    }
}
