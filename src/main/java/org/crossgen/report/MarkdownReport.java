package org.crossgen.report;

import java.util.List;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.report.ReportBlock.Table;

/**
 * The report as GitHub-flavoured Markdown; images are files under {@code images/} next to it.
 * Markdown viewers render raw HTML, and texts come from user input (model folder names, dataset
 * ids), so every text is escaped: a folder named {@code <img onerror=...>} shows as its name.
 */
final class MarkdownReport {
    private MarkdownReport() {}

    static String render(List<ReportBlock> blocks) {
        StringBuilder m = new StringBuilder();
        for (ReportBlock b : blocks) {
            if (b instanceof Heading x) {
                m.append("#".repeat(x.level())).append(' ').append(text(x.text())).append("\n\n");
            } else if (b instanceof Paragraph x) {
                m.append(text(x.text())).append("\n\n");
            } else if (b instanceof Table x) {
                table(m, x);
            } else if (b instanceof Figure x) {
                m.append("![").append(text(x.caption())).append("](images/").append(x.fileName()).append(")\n\n");
                m.append('*').append(text(x.caption())).append('*');
                if (x.svg() != null) m.append(" ([SVG](images/").append(svgName(x.fileName())).append("))");
                m.append("\n\n");
            } else if (b instanceof Details x) {
                m.append("<details><summary>").append(text(x.summary())).append("</summary>\n\n");
                for (String item : x.items()) m.append("- ").append(text(item)).append('\n');
                m.append("\n</details>\n\n");
            }
        }
        return m.toString();
    }

    private static void table(StringBuilder m, Table t) {
        m.append("**").append(text(t.caption())).append("**\n\n|");
        for (String c : t.header()) m.append(' ').append(cell(c)).append(" |");
        m.append("\n|");
        for (int i = 0; i < t.header().size(); i++) m.append(i == 0 ? " --- |" : " ---: |");
        m.append('\n');
        for (List<Cell> row : t.rows()) {
            m.append('|');
            for (Cell c : row) m.append(' ').append(c.style().equals("strong") ? "**" + cell(c.text()) + "**" : cell(c.text())).append(" |");
            m.append('\n');
        }
        m.append('\n');
    }

    private static String cell(String s) {
        return text(s).replace("|", "\\|");
    }

    /** {@code &}, {@code <} and {@code >} as entities: shown as written, never run as HTML. */
    private static String text(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String svgName(String pngName) {
        return pngName.replaceAll("\\.png$", ".svg");
    }
}
