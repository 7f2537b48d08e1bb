package org.crossgen.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * rouge-score's default tokenizer: lowercase, every character outside {@code [a-z0-9]} becomes a
 * separator, and with the stemmer tokens longer than three characters are Porter-stemmed.
 * So "Café" gives {@code [caf]} and "don't" gives {@code [don, t]}.
 */
final class RougeTokenizer {
    private final PorterStemmer stemmer;   // null: no stemming

    RougeTokenizer(boolean useStemmer) {
        this.stemmer = useStemmer ? new PorterStemmer() : null;
    }

    List<String> tokenize(String text) {
        // Lowercase first: full Unicode lowercasing can turn a non-ASCII letter into an ASCII one
        // (the Kelvin sign becomes "k"), as Python's str.lower() does before rouge-score's regex.
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean alnum = i < lower.length() && isAsciiAlnum(lower.charAt(i));
            if (alnum && start < 0) start = i;
            if (!alnum && start >= 0) {
                String token = stemmed(lower.substring(start, i));
                if (!token.isEmpty()) tokens.add(token);   // rouge-score drops empty tokens
                start = -1;
            }
        }
        return tokens;
    }

    private String stemmed(String token) {
        return stemmer != null && token.length() > 3 ? stemmer.stem(token) : token;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
