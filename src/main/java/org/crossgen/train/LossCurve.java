package org.crossgen.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.files.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** Draws training loss against optimizer step as a PNG (headless). */
final class LossCurve {
    private LossCurve() {}

    static void write(Path png, List<double[]> stepLoss, String title) throws IOException {
        if (stepLoss.isEmpty()) return;
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("optimizer step")
                .yAxisTitle("loss (nats / target token)").build();
        double[] x = new double[stepLoss.size()], y = new double[stepLoss.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = stepLoss.get(i)[0];
            y[i] = stepLoss.get(i)[1];
        }
        chart.addSeries("train loss", x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendVisible(false);
        AtomicFiles.write(png, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
