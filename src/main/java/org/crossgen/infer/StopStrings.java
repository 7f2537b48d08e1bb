package org.crossgen.infer;

import java.util.List;

/** Cutting generated text at the first stop string (the paper cuts summaries at "\n\n"). */
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
}
