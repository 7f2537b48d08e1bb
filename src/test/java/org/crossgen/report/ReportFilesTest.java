package org.crossgen.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written report: HTML holds every table and image, Markdown links existing files, images are valid. */
class ReportFilesTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir static Path study;
    static StudyReport report;
    static Path html;

    @BeforeAll
    static void writeReport() throws IOException {
        report = StudyReport.of(Rows.paperShapedResults());
        html = report.write(study.resolve("report"));
    }

    private static List<Table> tables() {
        return report.blocks().stream().filter(Table.class::isInstance).map(Table.class::cast).toList();
    }

    private static List<Figure> figures() {
        return report.blocks().stream().filter(Figure.class::isInstance).map(Figure.class::cast).toList();
    }

    @Test
    void reportHasTheExpectedTablesAndFigures() {
        List<String> ids = tables().stream().map(Table::id).toList();
        // per template: 2 generation tasks × (2 metrics × (absolute, Δ) + FT vs FTICL)
        //             + 3 classification tasks × (1 metric × (absolute, Δ) + FT vs FTICL);
        // then findings, a cross-task table per template, drift
        assertTrue(ids.contains("summary-t1-s0-rougeL-abs"), ids::toString);
        assertTrue(ids.contains("summary-t2-s0-bleu-delta"), ids::toString);
        assertTrue(ids.contains("detection-t2-s0-accuracy-ft-vs-fticl"), ids::toString);
        assertTrue(ids.containsAll(List.of("findings", "cross-task-t1-s0", "cross-task-t2-s0", "drift")), ids::toString);
        assertEquals(2 * (2 * (2 * 2 + 1) + 3 * (2 + 1)) + 1 + 2 + 1, ids.size(), ids::toString);
        assertEquals(ids.size(), ids.stream().distinct().count(), "table ids are unique");
        List<String> files = figures().stream().map(Figure::fileName).toList();
        // Δ heatmaps: 5 tasks × 2 templates; cross-task: 2; drift: weights, KL, layers; loss: 10 jobs in 2 charts
        assertEquals(10 + 2 + 3 + 2, files.size(), files::toString);
        assertEquals(files.size(), files.stream().distinct().count(), "image names are unique");
    }

    @Test
    void htmlHoldsEveryTableAndEveryImageInline() throws IOException {
        String page = Files.readString(html);
        for (Table t : tables()) assertTrue(page.contains("<table id=\"" + t.id() + "\">"), t.id());
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(page);
        List<byte[]> images = new ArrayList<>();
        while (m.find()) images.add(Base64.getDecoder().decode(m.group(1)));
        assertEquals(figures().size(), images.size(), "one embedded image per figure");
        for (byte[] png : images) assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8));
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(page).find(), "no external resources");
        for (FindingCheck c : report.findings().get("tiny")) assertTrue(page.contains(Html.escape(c.sentence())), c.id());
    }

    @Test
    void markdownLinksOnlyFilesThatExist() throws IOException {
        Path dir = html.getParent();
        String md = Files.readString(dir.resolve(ReportFolder.MARKDOWN));
        Matcher m = Pattern.compile("\\]\\((images/[^)]+)\\)").matcher(md);
        int links = 0;
        while (m.find()) {
            links++;
            assertTrue(Files.isRegularFile(dir.resolve(m.group(1))), m.group(1));
        }
        int svgs = (int) figures().stream().filter(f -> f.svg() != null).count();
        assertEquals(figures().size() + svgs, links, "each figure's PNG, and the SVG of each heatmap");
        for (Table t : tables()) assertTrue(md.contains("**" + t.caption() + "**"), t.caption());
    }

    @Test
    void imageFilesArePngAndSvgDocuments() throws Exception {
        Path images = html.getParent().resolve(ReportFolder.IMAGES);
        for (Figure f : figures()) {
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(images.resolve(f.fileName())), 8), f.fileName());
            if (f.svg() == null) continue;
            byte[] svg = Files.readAllBytes(images.resolve(MarkdownReport.svgName(f.fileName())));
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg));
            assertEquals("svg", doc.getDocumentElement().getTagName(), f.fileName());
            assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getAttribute("xmlns"));
        }
    }

    @Test
    void heatmapColoursDivergeAroundZero() {
        Estimate[][] cells = {{new Estimate(-0.2, -0.3, -0.1), new Estimate(0, 0, 0), new Estimate(0.1, 0, 0.2), Estimate.NONE}};
        Heatmap h = new Heatmap("t", List.of("row"), List.of("a/b", "c", "d", "e"), cells, "Δ");
        assertEquals(new java.awt.Color(0xb2182b), h.colour(-0.2), "−max|Δ| is the full negative colour");
        assertEquals(new java.awt.Color(0x2166ac), h.colour(0.2), "+max|Δ| is the full positive colour");
        assertEquals(new java.awt.Color(0xf7f7f7), h.colour(0), "0 is the neutral colour");
        assertTrue(h.svg().contains(">n/a</text>"), "a missing cell is marked");
    }

    @Test
    void findingsJsonIsWritten() throws IOException {
        String json = Files.readString(html.getParent().resolve(ReportFolder.FINDINGS), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"id\" : \"1a\"") && json.contains("\"verdict\" : \"SUPPORTED\""), json);
    }

    @Test
    void rewritingReplacesTheFolderAndLeavesNoTemporaries() throws IOException {
        Path dir = study.resolve("again");
        report.write(dir.resolve("report"));
        assertTrue(Files.list(dir.resolve("report/images")).findAny().isPresent());
        StudyReport.of(ResultsFile.of(List.of())).write(dir.resolve("report"));
        assertFalse(Files.exists(dir.resolve("report/images/delta-summary-t1-s0-rougeL.png")), "the old report is replaced whole");
        assertTrue(Files.isRegularFile(dir.resolve("report/report.html")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("report"), s.map(p -> p.getFileName().toString()).toList());
        }
        String page = Files.readString(dir.resolve("report/report.html"));
        assertTrue(page.contains("No results: nothing was evaluated yet."));
    }

    /** The report folder and its files are readable like any folder and file the user makes (not 0700/0600). */
    @Test
    void reportFilesHaveOrdinaryPermissions() throws IOException {
        Path ordinaryDir = Files.createDirectory(study.resolve("ordinary"));
        Path ordinaryFile = Files.writeString(ordinaryDir.resolve("f"), "x");
        Path dir = study.resolve("perm/report");
        report.write(dir);
        assertEquals(Files.getPosixFilePermissions(ordinaryDir), Files.getPosixFilePermissions(dir));
        assertEquals(Files.getPosixFilePermissions(ordinaryDir), Files.getPosixFilePermissions(dir.resolve("images")));
        for (String f : List.of("report.html", "report.md", "findings.json", ReportFolder.MARKER)) {
            assertEquals(Files.getPosixFilePermissions(ordinaryFile), Files.getPosixFilePermissions(dir.resolve(f)), f);
        }
    }

    /** Only an empty folder or a crossgen report is replaced; anything else is refused and left as it was. */
    @Test
    void aFolderCrossgenDidNotWriteIsNeverReplaced() throws IOException {
        Path mine = Files.createDirectories(study.resolve("mine/sub"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        IOException e = assertThrows(IOException.class, () -> report.write(mine.getParent()));
        assertEquals(mine.getParent() + " is not empty and was not written by crossgen (no .crossgen-report in it), so it is not "
                + "replaced; give a new or empty folder", e.getMessage());
        assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));

        Path file = Files.writeString(study.resolve("afile"), "data");
        e = assertThrows(IOException.class, () -> report.write(file));
        assertEquals(file + " exists and is not a folder; give a folder to create, or one written by crossgen before", e.getMessage());
        assertEquals("data", Files.readString(file));

        Path added = study.resolve("added");
        report.write(added);
        Files.writeString(added.resolve("my-notes.md"), "mine");
        e = assertThrows(IOException.class, () -> report.write(added));
        assertEquals(added + " holds my-notes.md, which crossgen did not write there, so the folder is not replaced; "
                + "move that file away or give another folder", e.getMessage());
        assertTrue(Files.exists(added.resolve("my-notes.md")) && Files.exists(added.resolve("report.html")));

        Path empty = Files.createDirectories(study.resolve("empty"));
        report.write(empty);
        assertTrue(Files.isRegularFile(empty.resolve("report.html")));
        try (Stream<Path> s = Files.list(study)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary folder left behind");
        }
    }

    /** A study folder made before reports carried a marker still gets its report replaced. */
    @Test
    void aReportWrittenBeforeMarkersIsStillReplaced() throws IOException {
        Path dir = study.resolve("old/report");
        report.write(dir);
        Files.delete(dir.resolve(ReportFolder.MARKER));
        Files.writeString(dir.resolve("screenshot.png"), "an old browser check's screenshot");
        StudyReport.of(ResultsFile.of(List.of())).write(dir);
        assertFalse(Files.exists(dir.resolve("screenshot.png")));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("No results"));
    }

    /** A model folder named like an HTML tag is shown as its name in both renderings, never run. */
    @Test
    void htmlInAModelNameIsEscapedInHtmlAndMarkdown() throws IOException {
        String name = "<img src=x onerror=alert(1)>";
        ResultRow r = Rows.base("summary/xsum", "rougeL", 0.3);
        ResultRow hostile = new ResultRow(name, r.method(), r.trainDataset(), r.trainSize(), r.trainShots(), r.seed(), r.evalDataset(),
                r.evalTask(), r.template(), r.shots(), r.metric(), r.value(), r.ciLower(), r.ciUpper(), r.n());
        Path dir = StudyReport.of(ResultsFile.of(List.of(hostile))).write(study.resolve("hostile/report")).getParent();
        String md = Files.readString(dir.resolve(ReportFolder.MARKDOWN));
        assertTrue(md.contains("# Findings — base model &lt;img src=x onerror=alert(1)&gt;\n"), md);
        assertFalse(md.contains("<img"), "raw HTML in report.md");
        assertFalse(Files.readString(dir.resolve(ReportFolder.HTML)).contains("<img src=x"), "raw HTML in report.html");
    }

    @Test
    void onlyBaseRowsStillMakeAReport() throws IOException {
        StudyReport r = StudyReport.of(ResultsFile.of(List.of(Rows.base("summary/xsum", "rougeL", 0.3))));
        Path out = r.write(study.resolve("base-only/report"));
        assertTrue(Files.readString(out).contains("not evaluated"));
    }
}
