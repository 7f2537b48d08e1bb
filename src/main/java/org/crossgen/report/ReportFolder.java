package org.crossgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.FileTrees;
import org.crossgen.report.ReportBlock.Figure;

/**
 * Publishes a report's blocks as a folder: report.html (self-contained), report.md,
 * findings.json and images/ (PNG, and SVG for heatmaps), all written into a temporary sibling
 * folder that then replaces the old report in one rename, so readers never see half a report.
 *
 * <p>Only a folder crossgen wrote is replaced: {@value #MARKER} lists the report's files, and an
 * output folder that holds anything else (the user's files, a study folder, the current
 * directory) is refused before anything is written.
 */
final class ReportFolder {
    /** The file names inside the report folder. */
    static final String HTML = "report.html", MARKDOWN = "report.md", FINDINGS = "findings.json", IMAGES = "images";
    /** Marks a folder as a crossgen report, listing its files: what may be replaced. */
    static final String MARKER = ".crossgen-report";

    private ReportFolder() {}

    /** The files of a report written before reports carried {@value #MARKER}. */
    private static final Pattern UNMARKED_REPORT = Pattern.compile("report\\.html|report\\.md|findings\\.json|screenshot\\.png"
            + "|images/[^/]+\\.(png|svg)");

    /** Writes the report into {@code dir}; returns the path of report.html. */
    static Path write(Path dir, String title, List<ReportBlock> blocks, Map<String, List<FindingCheck>> findings) throws IOException {
        adoptUnmarked(dir);
        AtomicFiles.replaceDirectory(dir, MARKER, tmp -> {
            Path images = Files.createDirectories(tmp.resolve(IMAGES));
            for (ReportBlock b : blocks) {
                if (b instanceof Figure f) {
                    Files.write(images.resolve(f.fileName()), f.png());
                    if (f.svg() != null) Files.writeString(images.resolve(MarkdownReport.svgName(f.fileName())), f.svg(), StandardCharsets.UTF_8);
                }
            }
            Files.writeString(tmp.resolve(HTML), HtmlReport.render(title, blocks), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(MARKDOWN), MarkdownReport.render(blocks), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(FINDINGS), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(findings) + "\n",
                    StandardCharsets.UTF_8);
        });
        return dir.toAbsolutePath().normalize().resolve(HTML);
    }

    /**
     * Marks a report folder written by an older crossgen (no marker, nothing but report files) as
     * crossgen's, so that a study folder made before markers existed still gets its report updated.
     */
    private static void adoptUnmarked(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(HTML)) || Files.exists(dir.resolve(MARKER))) return;
        Set<String> files = FileTrees.files(dir);
        if (files.stream().allMatch(f -> UNMARKED_REPORT.matcher(f).matches())) {
            AtomicFiles.writeString(dir.resolve(MARKER), String.join("\n", files) + "\n");
        }
    }
}
