package org.crossgen.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A labelled matrix of Δ values drawn as coloured cells, each showing its value and interval.
 * The colour scale diverges around 0 (red below, white at 0, blue above) and is symmetric:
 * ±max|Δ| are the extreme colours, so equal gains and losses look equally strong. Cells without
 * a value are grey and read "n/a".
 *
 * <p>Our own drawing rather than XChart's {@code HeatMapChart}: that chart has no per-cell text,
 * no NaN cells and no centred diverging scale. One layout is painted twice, onto a
 * {@link BufferedImage} for PNG and into SVG elements, so the two files agree.
 */
final class Heatmap {
    static {   // drawing into images never needs a display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final String FONT_FAMILY = "DejaVu Sans";
    private static final int PAD = 12, CELL_H = 40, LABEL_SIZE = 13, VALUE_SIZE = 13, CI_SIZE = 10, TITLE_SIZE = 15;
    private static final Color NEGATIVE = new Color(0xb2182b), ZERO = new Color(0xf7f7f7), POSITIVE = new Color(0x2166ac);
    private static final Color MISSING = new Color(0xdddddd), GRID = new Color(0x999999);
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    private final String title;
    private final List<String> rows;
    private final List<String> cols;
    private final Estimate[][] cells;
    private final String scaleLabel;
    private final boolean[][] marked;
    private final double maxAbs;
    // layout
    private final int rowLabelW, cellW, colLabelLines, width, height, gridX, gridY;

    /**
     * @param cells      [row][column] values with intervals
     * @param scaleLabel the legend's title, e.g. "Δ ROUGE-L vs base"
     */
    Heatmap(String title, List<String> rows, List<String> cols, Estimate[][] cells, String scaleLabel) {
        this(title, rows, cols, cells, scaleLabel, null);
    }

    /** @param marked [row][column] cells whose value carries {@link Degenerate#MARK}; null: none */
    Heatmap(String title, List<String> rows, List<String> cols, Estimate[][] cells, String scaleLabel, boolean[][] marked) {
        this.title = title;
        this.marked = marked;
        this.rows = rows;
        this.cols = cols;
        this.cells = cells;
        this.scaleLabel = scaleLabel;
        double max = 0;
        for (Estimate[] row : cells) for (Estimate e : row) if (e.hasValue()) max = Math.max(max, Math.abs(e.value()));
        this.maxAbs = max == 0 ? 1 : max;
        int rw = 0;
        for (String r : rows) rw = Math.max(rw, textWidth(r, LABEL_SIZE, false));
        this.rowLabelW = rw + PAD;
        int cw = 90;
        int lines = 1;
        for (String c : cols) {
            String[] parts = c.split("/");
            lines = Math.max(lines, parts.length);
            for (String p : parts) cw = Math.max(cw, textWidth(p, LABEL_SIZE, true) + PAD);
        }
        for (Estimate[] row : cells) {
            for (Estimate e : row) cw = Math.max(cw, textWidth(ciText(e), CI_SIZE, false) + PAD);
        }
        this.cellW = cw;
        this.colLabelLines = lines;
        this.gridX = PAD + rowLabelW;
        this.gridY = PAD + TITLE_SIZE + PAD + lines * (LABEL_SIZE + 4) + 4;
        int gridW = cols.size() * cellW;
        int legendW = legendBarWidth(cols.size(), cellW) + PAD + textWidth(legendText(), CI_SIZE + 1, false);
        this.width = Math.max(gridX + Math.max(gridW, legendW) + PAD, PAD + textWidth(title, TITLE_SIZE, true) + PAD);
        this.height = gridY + rows.size() * CELL_H + PAD + 50;
    }

    /** The picture as a PNG file's bytes. */
    byte[] png() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            paint(new Java2dCanvas(g));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // writing to memory does not fail
        }
        return out.toByteArray();
    }

    /** The picture as a standalone SVG document. */
    String svg() {
        SvgCanvas c = new SvgCanvas(width, height);
        paint(c);
        return c.document();
    }

    private void paint(Canvas c) {
        c.rect(0, 0, width, height, Color.WHITE, null);
        c.text(PAD, PAD + TITLE_SIZE, title, TITLE_SIZE, true, Color.BLACK, Anchor.START);
        for (int j = 0; j < cols.size(); j++) {
            String[] parts = cols.get(j).split("/");
            int cx = gridX + j * cellW + cellW / 2;
            for (int l = 0; l < parts.length; l++) {
                int y = gridY - 6 - (parts.length - 1 - l) * (LABEL_SIZE + 4);
                c.text(cx, y, parts[l] + (l < parts.length - 1 ? "/" : ""), LABEL_SIZE, l == parts.length - 1, Color.BLACK, Anchor.MIDDLE);
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            int y = gridY + i * CELL_H;
            c.text(gridX - PAD / 2, y + CELL_H / 2 + LABEL_SIZE / 2 - 2, rows.get(i), LABEL_SIZE, false, Color.BLACK, Anchor.END);
            for (int j = 0; j < cols.size(); j++) {
                Estimate e = cells[i][j];
                int x = gridX + j * cellW;
                Color fill = e.hasValue() ? colour(e.value()) : MISSING;
                c.rect(x, y, cellW, CELL_H, fill, GRID);
                Color ink = luminance(fill) < 0.5 ? Color.WHITE : Color.BLACK;
                String v = e.hasValue() ? Degenerate.mark(String.format(Locale.ROOT, "%+.3f", e.value()), isMarked(i, j)) : "n/a";
                int vy = e.hasInterval() ? y + 18 : y + CELL_H / 2 + VALUE_SIZE / 2 - 1;
                c.text(x + cellW / 2, vy, v, VALUE_SIZE, true, ink, Anchor.MIDDLE);
                if (e.hasInterval()) c.text(x + cellW / 2, y + 33, ciText(e), CI_SIZE, false, ink, Anchor.MIDDLE);
            }
        }
        paintLegend(c, gridY + rows.size() * CELL_H + PAD + 6);
    }

    /** A gradient bar from −max to +max with its three ticks and the scale's title. */
    private void paintLegend(Canvas c, int y) {
        int barW = legendBarWidth(cols.size(), cellW), barH = 12, steps = 64;
        int x0 = gridX;
        for (int k = 0; k < steps; k++) {
            double v = -maxAbs + (2 * maxAbs) * (k + 0.5) / steps;
            int xa = x0 + k * barW / steps, xb = x0 + (k + 1) * barW / steps;
            c.rect(xa, y, xb - xa, barH, colour(v), null);
        }
        c.rect(x0, y, barW, barH, null, GRID);
        int ty = y + barH + CI_SIZE + 4;
        c.text(x0, ty, String.format(Locale.ROOT, "%+.3f", -maxAbs), CI_SIZE, false, Color.BLACK, Anchor.START);
        c.text(x0 + barW / 2, ty, "0", CI_SIZE, false, Color.BLACK, Anchor.MIDDLE);
        c.text(x0 + barW, ty, String.format(Locale.ROOT, "%+.3f", maxAbs), CI_SIZE, false, Color.BLACK, Anchor.END);
        c.text(x0 + barW + PAD, y + barH - 1, legendText(), CI_SIZE + 1, false, Color.BLACK, Anchor.START);
    }

    private static int legendBarWidth(int columns, int cellW) {
        return Math.max(160, Math.min(320, columns * cellW));
    }

    private String legendText() {
        boolean any = false;
        for (int i = 0; i < rows.size(); i++) for (int j = 0; j < cols.size(); j++) any |= isMarked(i, j);
        return scaleLabel + "  (grey: not evaluated" + (any ? "; " + Degenerate.SHORT_NOTE : "") + ")";
    }

    private boolean isMarked(int i, int j) {
        return marked != null && marked[i][j];
    }

    /** White at 0, fully red at −max, fully blue at +max. */
    Color colour(double v) {
        double t = Math.max(-1, Math.min(1, v / maxAbs));
        Color end = t < 0 ? NEGATIVE : POSITIVE;
        double a = Math.abs(t);
        return new Color(mix(ZERO.getRed(), end.getRed(), a), mix(ZERO.getGreen(), end.getGreen(), a), mix(ZERO.getBlue(), end.getBlue(), a));
    }

    private static int mix(int from, int to, double a) {
        return (int) Math.round(from + (to - from) * a);
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
    }

    private static String ciText(Estimate e) {
        return e.hasInterval() ? String.format(Locale.ROOT, "[%+.3f, %+.3f]", e.lower(), e.upper()) : "";
    }

    private static Font font(int size, boolean bold) {
        return new Font(FONT_FAMILY, bold ? Font.BOLD : Font.PLAIN, size);
    }

    private static int textWidth(String s, int size, boolean bold) {
        return (int) Math.ceil(font(size, bold).getStringBounds(s, FRC).getWidth());
    }

    enum Anchor { START, MIDDLE, END }

    /** The drawing operations a heatmap needs; {@code y} of text is its baseline. */
    private interface Canvas {
        void rect(int x, int y, int w, int h, Color fill, Color stroke);

        void text(int x, int y, String s, int size, boolean bold, Color colour, Anchor anchor);
    }

    private static final class Java2dCanvas implements Canvas {
        private final Graphics2D g;

        Java2dCanvas(Graphics2D g) {
            this.g = g;
        }

        @Override
        public void rect(int x, int y, int w, int h, Color fill, Color stroke) {
            if (fill != null) {
                g.setColor(fill);
                g.fillRect(x, y, w, h);
            }
            if (stroke != null) {
                g.setColor(stroke);
                g.setStroke(new BasicStroke(1));
                g.drawRect(x, y, w, h);
            }
        }

        @Override
        public void text(int x, int y, String s, int size, boolean bold, Color colour, Anchor anchor) {
            g.setFont(font(size, bold));
            g.setColor(colour);
            int w = g.getFontMetrics().stringWidth(s);
            int left = anchor == Anchor.START ? x : anchor == Anchor.MIDDLE ? x - w / 2 : x - w;
            g.drawString(s, left, y);
        }
    }

    private static final class SvgCanvas implements Canvas {
        private final StringBuilder body = new StringBuilder();
        private final int width, height;

        SvgCanvas(int width, int height) {
            this.width = width;
            this.height = height;
        }

        @Override
        public void rect(int x, int y, int w, int h, Color fill, Color stroke) {
            body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"%s/>%n", x, y, w, h,
                    fill == null ? "none" : hex(fill), stroke == null ? "" : " stroke=\"" + hex(stroke) + "\" stroke-width=\"1\""));
        }

        @Override
        public void text(int x, int y, String s, int size, boolean bold, Color colour, Anchor anchor) {
            String a = switch (anchor) {
                case START -> "start";
                case MIDDLE -> "middle";
                case END -> "end";
            };
            body.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s fill=\"%s\" text-anchor=\"%s\">%s</text>%n",
                    x, y, size, bold ? " font-weight=\"bold\"" : "", hex(colour), a, Html.escape(s)));
        }

        String document() {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    + "font-family=\"'%s', Arial, sans-serif\">%n", width, height, width, height, FONT_FAMILY)
                    + body + "</svg>\n";
        }

        private static String hex(Color c) {
            return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
        }
    }
}
