package org.crossgen.report;

import java.util.Base64;
import java.util.List;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.report.ReportBlock.Table;

/**
 * The report as one self-contained HTML page: inline CSS, images as base64 {@code data:} URIs,
 * no external resources. The only script is a self-check that records, into
 * {@code <pre id="selfcheck">}, whether every image decoded and any script error, so a headless
 * browser's {@code --dump-dom} shows it; the page reads the same without it.
 */
final class HtmlReport {
    private HtmlReport() {}

    private static final String CSS = """
            body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; line-height: 1.4; }
            h1 { border-bottom: 2px solid #444; } h2 { border-bottom: 1px solid #bbb; margin-top: 2em; }
            div.scroll { overflow-x: auto; }
            table { border-collapse: collapse; margin: 8px 0 20px; font-size: 13px; }
            caption { text-align: left; font-weight: bold; padding: 4px 0; }
            th, td { border: 1px solid #bbb; padding: 3px 7px; text-align: right; white-space: nowrap; }
            th { background: #eee; text-align: left; } td:first-child, th:first-child { text-align: left; }
            td.strong { font-weight: bold; background: #fff8dc; }
            td.supported { background: #d9f2d9; } td.not-supported { background: #f8d7da; }
            td.inconclusive { background: #fff3cd; } td.not-evaluated { background: #e9ecef; color: #666; }
            td.wrap { white-space: normal; text-align: left; max-width: 520px; }
            td.baseline { font-style: italic; color: #555; background: #f6f6f6; }
            figure { margin: 8px 0 24px; } figure img { max-width: 100%; border: 1px solid #ddd; }
            figcaption { font-size: 13px; color: #555; }
            details { font-size: 13px; margin: 0 0 12px; } pre#selfcheck { display: none; }
            """;

    /** Marks each image as loaded or not and catches script errors; runs after the page loads. */
    private static final String SELF_CHECK = """
            (function () {
              var errors = [];
              window.addEventListener('error', function (e) { errors.push(String(e.message)); });
              var original = console.error;
              console.error = function () { errors.push(Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
              window.addEventListener('load', function () {
                var imgs = document.getElementsByTagName('img'), bad = [];
                for (var i = 0; i < imgs.length; i++) if (!(imgs[i].complete && imgs[i].naturalWidth > 0)) bad.push(imgs[i].alt);
                document.getElementById('selfcheck').textContent = JSON.stringify(
                  {images: imgs.length, brokenImages: bad, errors: errors});
              });
            })();
            """;

    static String render(String title, List<ReportBlock> blocks) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n<script>\n")
                .append(SELF_CHECK).append("</script>\n</head>\n<body>\n");
        for (ReportBlock b : blocks) {
            if (b instanceof Heading x) {
                h.append("<h").append(x.level()).append('>').append(Html.escape(x.text())).append("</h").append(x.level()).append(">\n");
            } else if (b instanceof Paragraph x) {
                h.append("<p>").append(Html.escape(x.text())).append("</p>\n");
            } else if (b instanceof Table x) {
                table(h, x);
            } else if (b instanceof Figure x) {
                figure(h, x);
            } else if (b instanceof Details x) {
                h.append("<details><summary>").append(Html.escape(x.summary())).append("</summary>\n<ul>\n");
                for (String item : x.items()) h.append("<li>").append(Html.escape(item)).append("</li>\n");
                h.append("</ul></details>\n");
            }
        }
        h.append("<pre id=\"selfcheck\">pending</pre>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, Table t) {
        h.append("<div class=\"scroll\"><table id=\"").append(Html.escape(t.id())).append("\">\n<caption>").append(Html.escape(t.caption())).append("</caption>\n<tr>");
        for (String c : t.header()) h.append("<th>").append(Html.escape(c)).append("</th>");
        h.append("</tr>\n");
        for (List<Cell> row : t.rows()) {
            h.append("<tr>");
            for (Cell c : row) {
                h.append(c.style().isEmpty() ? "<td>" : "<td class=\"" + Html.escape(c.style()) + "\">")
                        .append(Html.escape(c.text())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    private static void figure(StringBuilder h, Figure f) {
        h.append("<figure><img alt=\"").append(Html.escape(f.fileName())).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(f.png())).append("\">\n<figcaption>").append(Html.escape(f.caption()));
        h.append("</figcaption></figure>\n");
    }
}
