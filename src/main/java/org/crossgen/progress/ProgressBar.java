package org.crossgen.progress;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * crossgen's one progress bar, for training, evaluation, generation and studies alike:
 * {@code label [#####.....] 120/500  24% | loss 1.234 | 3,210 tok/s | ETA 04:12}.
 *
 * <ul>
 *   <li>{@link Mode#TERMINAL}: one line redrawn in place with a carriage return, at most ten times
 *       a second;</li>
 *   <li>{@link Mode#LOG} (stderr is a file: nohup, a Slurm job log): a plain line at the start,
 *       then at most one every {@value #LOG_EVERY_PERCENT}% of the work or every 30 s, and one at
 *       the end, so a long study's log stays a few hundred lines instead of megabytes of redraws;</li>
 *   <li>{@link Mode#OFF}: nothing, so callers need no branches.</li>
 * </ul>
 */
public final class ProgressBar implements AutoCloseable {
    /** How the bar is shown. */
    public enum Mode { TERMINAL, LOG, OFF }

    static final int LOG_EVERY_PERCENT = 5;
    static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int WIDTH = 30;
    private static final long MIN_REDRAW_NANOS = 100_000_000L;   // at most 10 redraws a second

    private final PrintWriter out;
    private final String label;
    private final Mode mode;
    private final LongSupplier clock;
    private long total;
    private long startDone = 0;
    private long startNanos;
    private long lastDraw;
    private long lastDrawnDone = -1;
    private int lastWidth;
    private long done;
    private String status = "";

    /** A bar on {@code out} that redraws in place ({@code terminal}) or shows nothing. */
    public ProgressBar(PrintStream out, String label, long total, boolean terminal) {
        this(new PrintWriter(out, true), label, total, terminal ? Mode.TERMINAL : Mode.OFF, System::nanoTime);
    }

    /** @param clock nanosecond time source (tests move it) */
    public ProgressBar(PrintWriter out, String label, long total, Mode mode, LongSupplier clock) {
        this.out = out;
        this.label = label;
        this.total = Math.max(0, total);
        this.mode = mode;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
    }

    /** A bar on stderr: redrawn in place on a terminal ({@code force}: always), plain log lines otherwise. */
    public static ProgressBar forConsole(String label, long total, boolean force) {
        return new ProgressBar(new PrintWriter(System.err, true), label, total, modeOfStderr(force), System::nanoTime);
    }

    /** {@link Mode#TERMINAL} when a console is attached (or {@code force}), else {@link Mode#LOG}. */
    public static Mode modeOfStderr(boolean force) {
        return force || System.console() != null ? Mode.TERMINAL : Mode.LOG;
    }

    /** Restarts the clock for the ETA at {@code done} (a resumed run does not count earlier work). */
    public void start(long done, long total) {
        this.total = Math.max(0, total);
        this.startDone = done;
        this.startNanos = clock.getAsLong();
        lastDrawnDone = -1;
        lastDraw = 0;
        update(done, "");
    }

    /** Shows {@code done} of total with a free-form status (e.g. {@code "loss 1.23 | 3,210 tok/s"}). */
    public void update(long done, String status) {
        this.done = done;
        this.status = status;
        long now = clock.getAsLong();
        boolean finished = done >= total && total > 0;
        switch (mode) {
            case OFF -> { }
            case TERMINAL -> {
                if (!finished && now - lastDraw < MIN_REDRAW_NANOS && lastDrawnDone >= 0) return;
                String line = render(done, status, now);
                out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
                out.flush();
                lastWidth = line.length();
                lastDraw = now;
                lastDrawnDone = done;
            }
            case LOG -> {
                boolean due = lastDrawnDone < 0 || now - lastDraw >= LOG_EVERY_NANOS
                        || (total > 0 && (done - lastDrawnDone) * 100 >= LOG_EVERY_PERCENT * total)
                        || (finished && done != lastDrawnDone);
                if (!due) return;
                out.println(render(done, status, now));
                out.flush();
                lastDraw = now;
                lastDrawnDone = done;
            }
        }
    }

    /** Prints a message on its own line (a failure, a note), without losing the bar. */
    public void println(String message) {
        if (mode == Mode.OFF) return;
        if (mode == Mode.TERMINAL && lastWidth > 0) {
            out.println();
            lastWidth = 0;
            lastDrawnDone = -1; // redraw on the next update
        }
        out.println(message);
        out.flush();
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

    /** Ends the bar: a terminal line is closed, a log gets the final state if it has not shown it. */
    @Override
    public void close() {
        if (mode == Mode.TERMINAL && lastWidth > 0) {
            out.println();
            lastWidth = 0;
        } else if (mode == Mode.LOG && lastDrawnDone != done) {
            out.println(render(done, status, clock.getAsLong()));
            lastDrawnDone = done;
        }
        out.flush();
    }
}
