package org.crossgen.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A one-line text progress bar on a terminal, redrawn in place with a carriage return:
 * {@code label [#####.....] 120/500  24% | loss 1.234 | 3,210 tok/s | ETA 04:12}.
 * Training and evaluation both use it. When disabled it prints nothing, so callers need no
 * branches; {@link #forConsole} enables it only when stderr is a terminal (or when forced).
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long MIN_REDRAW_NANOS = 100_000_000L;   // at most 10 redraws a second

    private final PrintStream out;
    private final String label;
    private final boolean enabled;
    private long total;
    private long startDone = 0;
    private long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastWidth;

    public ProgressBar(PrintStream out, String label, long total, boolean enabled) {
        this.out = out;
        this.label = label;
        this.total = Math.max(0, total);
        this.enabled = enabled;
    }

    /** A bar on stderr, shown when a console is attached or {@code force} is set. */
    public static ProgressBar forConsole(String label, long total, boolean force) {
        return new ProgressBar(System.err, label, total, force || System.console() != null);
    }

    /** Restarts the clock for the ETA at {@code done} (a resumed run does not count earlier work). */
    public void start(long done, long total) {
        this.total = Math.max(0, total);
        this.startDone = done;
        this.startNanos = System.nanoTime();
        update(done, "");
    }

    /** Shows {@code done} of total with a free-form status (e.g. {@code "loss 1.23 | 3,210 tok/s"}). */
    public void update(long done, String status) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (done < total && now - lastDraw < MIN_REDRAW_NANOS) return;
        lastDraw = now;
        String line = render(done, status, now);
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    String render(long done, String status, long now) {
        double frac = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        StringBuilder b = new StringBuilder();
        b.append(label).append(" [").append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                .append(done).append('/').append(total).append(String.format(Locale.ROOT, " %3d%%", Math.round(frac * 100)));
        if (status != null && !status.isEmpty()) b.append(" | ").append(status);
        b.append(" | ETA ").append(eta(done, now));
        return b.toString();
    }

    private String eta(long done, long now) {
        long progressed = done - startDone;
        if (progressed <= 0 || done >= total) return done >= total ? "00:00" : "--:--";
        double perItem = (now - startNanos) / (double) progressed;
        return format(Duration.ofNanos((long) (perItem * (total - done))));
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    /** Ends the line so later output starts on a fresh one. */
    @Override
    public void close() {
        if (enabled && lastWidth > 0) {
            out.println();
            out.flush();
        }
    }
}
