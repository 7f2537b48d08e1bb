package org.crossgen.report;

import java.util.List;

/**
 * One piece of the report, rendered both as HTML ({@link HtmlReport}) and Markdown
 * ({@link MarkdownReport}), so the two always hold the same tables, images and findings.
 */
sealed interface ReportBlock {
    /** A section title; level 1 is the report's title. */
    record Heading(int level, String text) implements ReportBlock {}

    record Paragraph(String text) implements ReportBlock {}

    /** A table cell; {@code style} is {@code ""}, {@code strong}, {@code baseline} (a chance or majority line), or a verdict's CSS class. */
    record Cell(String text, String style) {
        static Cell of(String text) {
            return new Cell(text, "");
        }
    }

    /** A table with a caption (the report names and links tables by their id). */
    record Table(String id, String caption, List<String> header, List<List<Cell>> rows) implements ReportBlock {}

    /**
     * An image with its file name under {@code images/}: PNG bytes, and SVG text where the image
     * also exists as SVG (linked from the report, not embedded).
     */
    record Figure(String fileName, String caption, byte[] png, String svg) implements ReportBlock {}

    /** A collapsible list (HTML {@code <details>}); Markdown shows it as a plain list. */
    record Details(String summary, List<String> items) implements ReportBlock {}
}
