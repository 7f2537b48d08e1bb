package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crossgen.report.FindingCheck;
import org.crossgen.report.StudyReport;
import org.crossgen.study.ResultsFile;
import org.crossgen.study.StudyLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crossgen report}: the study report (HTML, Markdown, findings.json, heatmaps) from a study
 * folder's results.json or any exported rows file.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the study report: per-task matrices, Δ vs base, FT vs FTICL, cross-task transfer, "
                + "the paper's findings as checks, drift and loss charts.")
final class ReportCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;

    @Parameters(paramLabel = "DIR_OR_ROWS.json",
            description = "A study folder (reads its results.json) or a JSON file: an array of result rows, "
                    + "or {\"results\": [...], \"drift\": [...], \"lossCurves\": [...], \"dataWarnings\": [...]}.")
    Path input;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Report folder (default: report/ in the study folder or next to the JSON file); created, or replaced "
                    + "atomically if crossgen wrote it. A file or a folder holding anything else is refused.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path file = ResultsFile.in(input);
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file (expected a study folder with "
                + "results.json or a JSON rows file)");
        StudyReport report = StudyReport.of(ResultsFile.read(file));
        Path dir = out != null ? out : new StudyLayout(Files.isDirectory(input) ? input : file.toAbsolutePath().getParent()).report();
        Path html = report.write(dir);
        for (Map.Entry<String, List<FindingCheck>> e : report.findings().entrySet()) {
            root.out().println("base model " + e.getKey() + ":");
            for (FindingCheck c : e.getValue()) root.out().println("  " + c.sentence());
        }
        root.out().println("wrote " + html);
        root.out().flush();
        return 0;
    }
}
