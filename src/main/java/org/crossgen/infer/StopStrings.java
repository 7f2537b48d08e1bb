package org.crossgen.infer;

import java.util.List;

/**
 * Cutting generated text at the first stop string, as the paper scored generations: the text is
 * stripped first ({@code generation.strip()} in its evaluate_cross.py), then cut at the first stop
 * string ({@code .split("\n\n")[0]} in its indicator_cross.py). Stripping first matters: an
 * output that begins with a blank line would otherwise score as empty.
 */
public final class StopStrings {
    private StopStrings() {}

    /** Index of the earliest occurrence of any stop string in {@code text}, or -1. */
    public static int firstIndex(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** {@code text} up to (not including) the first stop string. */
    public static String cut(String text, List<String> stops) {
        int i = firstIndex(text, stops);
        return i < 0 ? text : text.substring(0, i);
    }

    /** Whether generation can stop: a stop string occurs after the text's leading whitespace. */
    public static boolean stops(String text, List<String> stops) {
        return firstIndex(text.stripLeading(), stops) >= 0;
    }

    /** The answer of a generation: {@code text} stripped, then cut at its first stop string. */
    public static String clean(String text, List<String> stops) {
        return cut(text.strip(), stops);
    }
}
