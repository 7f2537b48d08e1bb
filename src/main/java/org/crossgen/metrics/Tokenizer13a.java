package org.crossgen.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * sacreBLEU's default {@code 13a} tokenizer (mteval-v13a.pl as used by WMT): unescapes four HTML
 * entities, joins lines, splits off punctuation and symbols, and splits periods and commas except
 * inside numbers ("3.5" and "1,000" stay whole) and dashes after a digit.
 */
final class Tokenizer13a {
    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Tokenizer13a() {}

    /** The tokens of {@code line}; sacreBLEU right-strips a segment before tokenizing it. */
    static List<String> tokenize(String line) {
        String s = PythonWhitespace.rstrip(line)
                .replace("<skipped>", "")
                .replace("-\n", "")          // a word hyphenated across lines is joined
                .replace("\n", " ")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return PythonWhitespace.split(s);
    }
}
