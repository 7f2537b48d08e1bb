package org.crossgen.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.crossgen.study.LossHistory;
import org.crossgen.study.LossPoint;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line and scatter charts of the report, drawn by XChart as PNG bytes. */
final class Charts {
    static {   // drawing into images never needs a display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final Color FT = new Color(0xd95f02), FTICL = new Color(0x1b9e77), BASE = new Color(0x666666);
    /** Tableau 10: distinct, and none too pale to see on white (XChart's default has yellow and pink). */
    private static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2),
            new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};

    private Charts() {}

    /** One series of points (x, y) with its label. */
    record Series(String name, double[] x, double[] y) {}

    /** Loss against step, one line per training job. */
    static byte[] lossCurves(String title, List<LossHistory> curves) {
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle("step").yAxisTitle("training loss").build();
        style(chart);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setSeriesColors(PALETTE);
        for (LossHistory c : curves) {
            if (c.points().isEmpty()) continue;
            double[] x = c.points().stream().mapToDouble(LossPoint::step).toArray();
            double[] y = c.points().stream().mapToDouble(LossPoint::loss).toArray();
            chart.addSeries(uniqueName(chart, c.job()), x, y);
        }
        return png(chart);
    }

    /**
     * A scatter of FT and FTICL points (one per fine-tuned model), coloured and shaped by method.
     */
    static byte[] scatter(String title, String xTitle, String yTitle, Series ft, Series fticl) {
        XYChart chart = new XYChartBuilder().width(720).height(480).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        style(chart);
        addPoints(chart, ft, FT, true);
        addPoints(chart, fticl, FTICL, false);
        return png(chart);
    }

    /** Lines over x, e.g. relative change per decoder layer for FT and FTICL. */
    static byte[] lines(String title, String xTitle, String yTitle, Series ft, Series fticl) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart);
        addPoints(chart, ft, FT, true);
        addPoints(chart, fticl, FTICL, false);
        return png(chart);
    }

    /**
     * Domain curves ({@link DomainCurves}): colour by method (base grey, FT, FTICL), in-domain solid
     * with circles, out-of-domain dashed with diamonds; error bars show the larger half of each
     * 95% interval (XChart draws symmetric bars). Points without a value are left out.
     */
    static byte[] domainCurves(String title, String xTitle, String yTitle, List<DomainCurves.Curve> curves) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        for (DomainCurves.Curve c : curves) {
            List<Integer> shown = new java.util.ArrayList<>();
            for (int i = 0; i < c.x().size(); i++) if (c.y().get(i).hasValue()) shown.add(i);
            if (shown.isEmpty()) continue;
            double[] x = shown.stream().mapToDouble(i -> c.x().get(i)).toArray();
            double[] y = shown.stream().mapToDouble(i -> c.y().get(i).value()).toArray();
            double[] err = shown.stream().mapToDouble(i -> halfWidth(c.y().get(i))).toArray();
            XYSeries series = chart.addSeries(c.name(), x, y, err);
            Color colour = switch (c.method()) {
                case BASE -> BASE;
                case FT -> FT;
                case FTICL -> FTICL;
            };
            series.setMarkerColor(colour);
            series.setLineColor(colour);
            series.setMarker(c.inDomain() ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
            series.setLineStyle(c.inDomain() ? SeriesLines.SOLID : SeriesLines.DASH_DASH);
        }
        return png(chart);
    }

    private static double halfWidth(Estimate e) {
        return e.hasInterval() ? Math.max(e.value() - e.lower(), e.upper() - e.value()) : 0;
    }

    private static void style(XYChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0.####");
        chart.getStyler().setYAxisDecimalPattern("0.####");
    }

    private static void addPoints(XYChart chart, Series s, Color colour, boolean circle) {
        if (s.x().length == 0) return;
        XYSeries series = chart.addSeries(s.name(), s.x(), s.y());
        series.setMarkerColor(colour);
        series.setLineColor(colour);
        series.setMarker(circle ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
    }

    private static String uniqueName(XYChart chart, String name) {
        String n = name;
        for (int i = 2; chart.getSeriesMap().containsKey(n); i++) n = name + " (" + i + ")";
        return n;
    }

    private static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
