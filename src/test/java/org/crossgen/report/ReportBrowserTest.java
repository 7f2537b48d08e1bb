package org.crossgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The paper-shaped report opened in headless Chromium: it renders, every image decodes, the page
 * reports no script or console errors. Keeps the report ({@code target/report-browser-test/report/})
 * and a screenshot beside it for a person to look at: not inside it, where a second run would find a
 * file the report did not write and refuse to replace the folder. Skipped without Chromium
 * ({@code apt-get install -y chromium}).
 */
class ReportBrowserTest {
    @Test
    void reportRendersInHeadlessChromiumWithEveryImageLoaded() throws Exception {
        Optional<BrowserCheck> browser = BrowserCheck.onPath();
        Assumptions.assumeTrue(browser.isPresent(), "no chromium on PATH (apt-get install -y chromium)");
        StudyReport report = StudyReport.of(Rows.paperShapedResults());
        Path dir = Path.of("target", "report-browser-test", "report").toAbsolutePath();
        Path html = report.write(dir);

        BrowserCheck.Result r = browser.get().check(html);
        long figures = report.blocks().stream().filter(ReportBlock.Figure.class::isInstance).count();
        assertEquals(figures, r.images(), r.toString());
        assertTrue(r.ok(), () -> "broken images, script errors or console output: " + r);

        Path screenshot = dir.resolveSibling("screenshot.png");
        browser.get().screenshot(html, screenshot, 2000);
        assertTrue(Files.size(screenshot) > 10_000, () -> "screenshot too small to show the report: " + screenshot);
    }
}
