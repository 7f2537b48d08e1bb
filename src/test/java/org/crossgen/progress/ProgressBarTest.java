package org.crossgen.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bar's two ways of showing progress, on a clock the test moves. */
class ProgressBarTest {
    long now = 0;
    final StringWriter text = new StringWriter();

    private ProgressBar bar(ProgressBar.Mode mode, long total) {
        return new ProgressBar(new PrintWriter(text), "evaluation", total, mode, () -> now);
    }

    /** What nohup or a Slurm log gets: whole lines, one per 5% of the work, plus the first and the last. */
    @Test
    void aLogGetsAPlainLineEveryFivePercent() {
        try (ProgressBar bar = bar(ProgressBar.Mode.LOG, 1000)) {
            bar.start(0, 1000);
            for (int i = 1; i <= 1000; i++) {
                now += 10_000_000L; // 10 ms per item
                bar.update(i, "cell " + i);
            }
        }
        List<String> lines = text.toString().lines().toList();
        assertEquals(1 + 20, lines.size(), text::toString); // 0, 50, 100, ..., 1000
        assertFalse(text.toString().contains("\r"));
        assertEquals("evaluation [..............................] 0/1000   0% | ETA --:--", lines.get(0));
        assertEquals("evaluation [##############################] 1000/1000 100% | cell 1000 | ETA 00:00", lines.get(20));
        assertTrue(lines.get(1).startsWith("evaluation [##............................] 50/1000   5% | cell 50 | ETA 00:09"),
                lines.get(1)); // 950 items left at 10 ms each
    }

    @Test
    void aSlowLogStillGetsALineEveryThirtySeconds() {
        try (ProgressBar bar = bar(ProgressBar.Mode.LOG, 1_000_000)) {
            bar.start(0, 1_000_000);
            for (int i = 1; i <= 4; i++) {
                now += 31_000_000_000L;
                bar.update(i, "");
            }
            now += 1_000_000_000L;
            bar.update(5, "");      // too soon, too little: not shown now ...
        }                           // ... but the last state is, when the bar closes
        List<String> lines = text.toString().lines().toList();
        assertEquals(1 + 4 + 1, lines.size(), text::toString);
        assertTrue(lines.get(5).startsWith("evaluation [..............................] 5/1000000   0%"), lines.get(5));
    }

    /** On a terminal: one line redrawn in place, at most ten times a second; a message gets a line of its own. */
    @Test
    void aTerminalRedrawsOneLineAtMostTenTimesASecond() {
        try (ProgressBar bar = bar(ProgressBar.Mode.TERMINAL, 1000)) {
            bar.start(0, 1000);
            for (int i = 1; i <= 1000; i++) {
                now += 1_000_000L; // 1 ms per item: one second in all
                bar.update(i, "");
                if (i == 500) bar.println("failed: cell 500");
            }
        }
        String out = text.toString();
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 13, redraws + " redraws"); // start, ~10 per second, after the message, the end
        assertTrue(out.contains(System.lineSeparator() + "failed: cell 500" + System.lineSeparator() + "\revaluation ["), out);
        assertTrue(out.endsWith("] 1000/1000 100% | ETA 00:00" + System.lineSeparator()), out);
    }
}
