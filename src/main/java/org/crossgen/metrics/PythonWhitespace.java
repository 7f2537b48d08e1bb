package org.crossgen.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Whitespace as Python's {@code str.isspace()} defines it (general category Zs, or bidirectional
 * class WS, B or S), with the {@code str.split()} and {@code str.rstrip()} built on it. sacreBLEU
 * splits and strips with these, and they differ from Java's {@link Character#isWhitespace}: a
 * no-break space (U+00A0) and U+0085 separate words in Python but not in Java.
 */
final class PythonWhitespace {
    private PythonWhitespace() {}

    static boolean isSpace(int codePoint) {
        if (Character.getType(codePoint) == Character.SPACE_SEPARATOR) return true;
        byte bidi = Character.getDirectionality(codePoint);
        return bidi == Character.DIRECTIONALITY_WHITESPACE
                || bidi == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
                || bidi == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
    }

    /** {@code text.split()}: the maximal runs of non-whitespace, in order. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) words.add(text.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) words.add(text.substring(start));
        return words;
    }

    /** {@code text.rstrip()}: drops trailing whitespace. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int cp = text.codePointBefore(end);
            if (!isSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return text.substring(0, end);
    }
}
