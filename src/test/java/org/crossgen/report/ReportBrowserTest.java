package org.crossgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.crossgen.report.ReportBlock.Figure;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper-shaped report opened in headless Chromium: it renders, every image decodes, the page
 * reports no script or console errors. Keeps the report and a screenshot under
 * {@code target/report-browser-test/report/} for a person to look at. Skipped without Chromium
 * ({@code apt-get install -y chromium}).
 */
class ReportBrowserTest {
    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    @TempDir Path profile;

    private static Optional<Path> browser() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : BROWSERS) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private record Run(int exit, String out, String err) {}

    private Run chromium(Path binary, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(profile, "chromium"),
                "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(profile, "out", ".txt"), err = Files.createTempFile(profile, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void reportRendersInHeadlessChromiumWithEveryImageLoaded() throws Exception {
        Optional<Path> binary = browser();
        Assumptions.assumeTrue(binary.isPresent(), "no chromium on PATH (apt-get install -y chromium)");
        StudyReport report = StudyReport.of(Rows.paperShapedStudy(), Rows.paperShapedDrift(), Rows.lossCurves());
        Path dir = Path.of("target", "report-browser-test", "report").toAbsolutePath();
        Path html = report.write(dir);
        String url = html.toUri().toString();

        Run dom = chromium(binary.get(), "--virtual-time-budget=10000", "--dump-dom", url);
        assertEquals(0, dom.exit(), dom.err());
        Matcher m = Pattern.compile("<pre id=\"selfcheck\">(.*?)</pre>", Pattern.DOTALL).matcher(dom.out());
        assertTrue(m.find(), () -> "no self-check element in the dumped DOM:\n" + dom.out());
        String check = m.group(1).replace("&quot;", "\"").replace("&amp;", "&");
        assertFalse(check.equals("pending"), "the self-check did not run (page load never finished?)");
        JsonNode result = new ObjectMapper().readTree(check);
        long figures = report.blocks().stream().filter(Figure.class::isInstance).count();
        assertEquals(figures, result.get("images").asLong(), check);
        assertEquals(0, result.get("brokenImages").size(), () -> "images that did not decode: " + check);
        assertEquals(0, result.get("errors").size(), () -> "script/console errors: " + check);
        try (Stream<String> lines = dom.err().lines()) {
            List<String> console = lines.filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
            assertTrue(console.isEmpty(), () -> "console output from the page: " + console);
        }

        Path screenshot = dir.resolve("screenshot.png");
        Run shot = chromium(binary.get(), "--screenshot=" + screenshot, "--window-size=1280,2000", "--hide-scrollbars", url);
        assertEquals(0, shot.exit(), shot.err());
        assertTrue(Files.size(screenshot) > 10_000, () -> "screenshot too small to show the report: " + screenshot);
    }
}
