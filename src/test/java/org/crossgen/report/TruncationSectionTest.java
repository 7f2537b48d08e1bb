package org.crossgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated cells are listed in the report, and one that lost demonstrations in more than 1% of its records is warned about. */
class TruncationSectionTest {
    @TempDir Path tmp;

    static ResultRow fitted(ResultRow r, int truncated, int lost) {
        return new ResultRow(r.baseModel(), r.method(), r.trainDataset(), r.trainSize(), r.trainShots(), r.seed(), r.evalDataset(),
                r.evalTask(), r.template(), r.shots(), r.metric(), r.value(), r.ciLower(), r.ciUpper(), r.n(), truncated, lost);
    }

    @Test
    void warnsAboutCellsThatLostDemonstrationsInMoreThanOnePercent() throws Exception {
        // n = 200: 2 records (1%) is not above the line, 3 is
        List<ResultRow> rows = List.of(fitted(Rows.base("summary/xsum", "rougeL", 0.3), 3, 3), fitted(Rows.base("summary/xsum", "bleu", 5), 3, 3),
                fitted(Rows.base("summary/cnn", "rougeL", 0.2), 2, 2), Rows.base("summary/xlsum", "rougeL", 0.25));
        Path file = tmp.resolve("results.json");
        ResultsFile.of(rows).write(file);
        ResultsFile back = ResultsFile.read(file);
        assertEquals(rows, back.results(), "results.json keeps the fitting counts");

        Path dir = StudyReport.of(back).write(tmp.resolve("report")).getParent();
        String md = Files.readString(dir.resolve(ReportFolder.MARKDOWN));
        assertTrue(md.contains("## Truncation\n"), md);
        assertTrue(md.contains("Warning: 1 cell(s) lost demonstrations in more than 1% of their records, so they are not the shot count "
                + "they are labelled with; raise limits.max_length (up to the model's context): tiny base on summary/xsum t1 k0."), md);
        assertTrue(md.contains("2 cell(s) had prompts fitted to the token budget"), md);
        assertTrue(md.contains("tiny base on summary/cnn t1 k0: 2 of 200 records truncated, 2 lost demonstrations"), md);
        assertFalse(md.contains("summary/xlsum t1 k0:"), "an untruncated cell is not listed");
    }

    @Test
    void noSectionWithoutTruncation() {
        assertEquals(List.of(), TruncationSection.blocks(List.of(Rows.base("summary/xsum", "rougeL", 0.3))));
    }

    @Test
    void aResultsFileWithoutTheCountsReadsAsNothingTruncated() throws Exception {
        Path file = tmp.resolve("old.json");
        Files.writeString(file, "[{\"baseModel\": \"tiny\", \"method\": \"base\", \"trainDataset\": \"\", \"trainSize\": 0, \"trainShots\": 0,"
                + " \"seed\": 0, \"evalDataset\": \"summary/xsum\", \"evalTask\": \"summary\", \"template\": 0, \"shots\": 0,"
                + " \"metric\": \"rougeL\", \"value\": 0.3, \"n\": 200}]");
        ResultRow r = ResultsFile.read(file).results().get(0);
        assertEquals(0, r.truncated());
        assertEquals(0, r.lostDemonstrations());
    }
}
