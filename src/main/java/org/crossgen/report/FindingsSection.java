package org.crossgen.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.report.ReportBlock.Table;

/** The findings section of the report: the paper's findings as checks of one base model's results. */
final class FindingsSection {
    private static final int EVIDENCE_SHOWN = 200;

    private FindingsSection() {}

    /** The findings table, one sentence per finding, and the pairs behind each. */
    static void add(List<ReportBlock> blocks, List<FindingCheck> checks, String prefix) {
        List<List<Cell>> rows = new ArrayList<>();
        for (FindingCheck c : checks) {
            Estimate e = new Estimate(c.mean(), c.ciLower(), c.ciUpper());
            rows.add(List.of(Cell.of(c.id()), new Cell(c.claim(), "wrap"), new Cell(c.measure(), "wrap"),
                    Cell.of(e.format(4, true)), Cell.of(Integer.toString(c.pairs())), Cell.of(Integer.toString(c.degeneratePairs())),
                    new Cell(c.verdict().text(), c.verdict().text().replace(' ', '-'))));
        }
        blocks.add(new Table(prefix + "findings", "The paper's findings as checks (supported: the 95% interval lies on "
                + "the claimed side of 0; not supported: on the other side; inconclusive: it spans 0; finding 4, a claim that "
                + "more data does not always help: supported if any pair's own interval lies below 0, not supported if every "
                + "pair's lies above 0; " + Degenerate.NOTE + ")",
                List.of("#", "claim", "measure", "mean [95% CI]", "pairs", "degenerate pairs " + Degenerate.MARK, "verdict"), rows));
        for (FindingCheck c : checks) blocks.add(new Paragraph(c.sentence()));
        for (FindingCheck c : checks) {
            if (c.evidence().isEmpty()) continue;
            List<String> shown = c.evidence().size() <= EVIDENCE_SHOWN ? c.evidence()
                    : Stream.concat(c.evidence().stream().limit(EVIDENCE_SHOWN),
                            Stream.of("… and " + (c.evidence().size() - EVIDENCE_SHOWN) + " more")).toList();
            blocks.add(new Details("Finding " + c.id() + ": the " + c.pairs() + " pairs behind it", shown));
        }
    }
}
