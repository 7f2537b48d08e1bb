package org.crossgen.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter (1980) suffix stripper as NLTK's {@code PorterStemmer()} runs it by default
 * ({@code NLTK_EXTENSIONS} mode), which is the stemmer {@code rouge-score} uses with
 * {@code use_stemmer=True}. ROUGE scores must match that implementation, not the published
 * algorithm, so the NLTK departures are kept and marked below: an irregular-forms table, words of
 * one or two letters left alone, {@code -ies}/{@code -ied} on four-letter words, the y→i rule
 * only after a consonant, {@code -alli} handled first in step 2, {@code -bli}, {@code -fulli} and
 * {@code -logi}, and the two-letter vowel–consonant case of the cvc test.
 *
 * <p>Letters are classified as in the paper: a, e, i, o, u are vowels, y is a vowel after a
 * consonant, everything else (digits included) is a consonant. Input is lowercased first.
 */
final class PorterStemmer {
    /** NLTK's irregular forms: the word on the left stems to the word on the right. */
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    private static final List<Rule> STEP1A = List.of(
            Rule.always("sses", "ss"), Rule.always("ies", "i"),
            Rule.always("ss", "ss"), Rule.always("s", ""));

    /** NLTK: y -> i only after a consonant that is not the whole stem (happy -> happi, enjoy kept). */
    private static final List<Rule> STEP1C = List.of(new Rule("y", "i",
            stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1)));

    private static final List<Rule> STEP2 = List.of(
            Rule.mAbove0("ational", "ate"), Rule.mAbove0("tional", "tion"),
            Rule.mAbove0("enci", "ence"), Rule.mAbove0("anci", "ance"),
            Rule.mAbove0("izer", "ize"),
            Rule.mAbove0("bli", "ble"),                 // NLTK: the paper has abli -> able
            Rule.mAbove0("alli", "al"), Rule.mAbove0("entli", "ent"),
            Rule.mAbove0("eli", "e"), Rule.mAbove0("ousli", "ous"),
            Rule.mAbove0("ization", "ize"), Rule.mAbove0("ation", "ate"),
            Rule.mAbove0("ator", "ate"), Rule.mAbove0("alism", "al"),
            Rule.mAbove0("iveness", "ive"), Rule.mAbove0("fulness", "ful"),
            Rule.mAbove0("ousness", "ous"), Rule.mAbove0("aliti", "al"),
            Rule.mAbove0("iviti", "ive"), Rule.mAbove0("biliti", "ble"),
            Rule.mAbove0("fulli", "ful"),               // NLTK extension
            // NLTK: the 'l' of -logi stays with the stem, so the measure is taken of stem + "l".
            new Rule("logi", "log", stem -> measure(stem + "l") > 0));

    private static final List<Rule> STEP3 = List.of(
            Rule.mAbove0("icate", "ic"), Rule.mAbove0("ative", ""),
            Rule.mAbove0("alize", "al"), Rule.mAbove0("iciti", "ic"),
            Rule.mAbove0("ical", "ic"), Rule.mAbove0("ful", ""), Rule.mAbove0("ness", ""));

    private static final List<Rule> STEP4 = List.of(
            Rule.mAbove1("al"), Rule.mAbove1("ance"), Rule.mAbove1("ence"), Rule.mAbove1("er"),
            Rule.mAbove1("ic"), Rule.mAbove1("able"), Rule.mAbove1("ible"), Rule.mAbove1("ant"),
            Rule.mAbove1("ement"), Rule.mAbove1("ment"), Rule.mAbove1("ent"),
            new Rule("ion", "", stem -> measure(stem) > 1
                    && (stem.endsWith("s") || stem.endsWith("t"))),
            Rule.mAbove1("ou"), Rule.mAbove1("ism"), Rule.mAbove1("ate"), Rule.mAbove1("iti"),
            Rule.mAbove1("ous"), Rule.mAbove1("ive"), Rule.mAbove1("ize"));

    /** Returns the stem of {@code word}; never null, possibly the lowercased word itself. */
    String stem(String word) {
        String irregular = IRREGULAR.get(word);   // NLTK looks up the word before lowercasing
        if (irregular != null) return irregular;
        String w = word.toLowerCase(Locale.ROOT);
        if (word.length() <= 2) return w;          // NLTK: too short to strip anything
        w = step1a(w);
        w = step1b(w);
        w = applyFirst(w, STEP1C);
        w = step2(w);
        w = applyFirst(w, STEP3);
        w = applyFirst(w, STEP4);
        w = step5a(w);
        return step5b(w);
    }

    private static String step1a(String w) {
        if (w.length() == 4 && w.endsWith("ies")) return w.charAt(0) + "ie";   // NLTK: dies -> die
        return applyFirst(w, STEP1A);
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {                   // NLTK: died -> die, spied -> spi
            return w.substring(0, w.length() - 3) + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        if (w.endsWith("ed") && containsVowel(w.substring(0, w.length() - 2))) {
            stem = w.substring(0, w.length() - 2);
        } else if (w.endsWith("ing") && containsVowel(w.substring(0, w.length() - 3))) {
            stem = w.substring(0, w.length() - 3);
        }
        if (stem == null) return w;
        // Put the e back on -at, -bl, -iz so that steps 2-4 can recognise -ate, -ble, -ize.
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return stem + "e";
        if (endsWithDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : stem.substring(0, stem.length() - 1);
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
    }

    private static String step2(String w) {
        // NLTK: -alli is tried before all other rules, and what it leaves goes through step 2 again.
        if (w.endsWith("alli") && measure(w.substring(0, w.length() - 4)) > 0) {
            return step2(w.substring(0, w.length() - 4) + "al");
        }
        return applyFirst(w, STEP2);
    }

    private static String step5a(String w) {
        // Two rules share the suffix here and both conditions are tried, unlike applyFirst.
        if (!w.endsWith("e")) return w;
        String stem = w.substring(0, w.length() - 1);
        int m = measure(stem);
        return m > 1 || (m == 1 && !endsCvc(stem)) ? stem : w;
    }

    private static String step5b(String w) {
        boolean strip = w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1;
        return strip ? w.substring(0, w.length() - 1) : w;
    }

    /**
     * The first rule whose suffix ends {@code w} decides: its replacement if the condition holds
     * for the stem, else {@code w} unchanged (later rules are not tried).
     */
    private static String applyFirst(String w, List<Rule> rules) {
        for (Rule rule : rules) {
            if (w.endsWith(rule.suffix())) {
                String stem = w.substring(0, w.length() - rule.suffix().length());
                return rule.condition().test(stem) ? stem + rule.replacement() : w;
            }
        }
        return w;
    }

    /** consonant[i] per the paper: y is a consonant at the start or after a vowel. */
    private static boolean[] consonants(String w) {
        boolean[] c = new boolean[w.length()];
        for (int i = 0; i < w.length(); i++) {
            char ch = w.charAt(i);
            boolean vowel = ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u';
            c[i] = !vowel && (ch != 'y' || i == 0 || !c[i - 1]);
        }
        return c;
    }

    private static boolean isConsonant(String w, int i) {
        return consonants(w)[i];
    }

    /** m in [C](VC)^m[V]: the number of vowel-to-consonant transitions. */
    static int measure(String stem) {
        boolean[] c = consonants(stem);
        int m = 0;
        for (int i = 0; i + 1 < c.length; i++) if (!c[i] && c[i + 1]) m++;
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (boolean consonant : consonants(stem)) if (!consonant) return true;
        return false;
    }

    private static boolean endsWithDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** *o: ends consonant-vowel-consonant, the last not w, x or y; NLTK adds a bare "vc" word. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        boolean[] c = consonants(w);
        if (n >= 3) {
            char last = w.charAt(n - 1);
            return c[n - 3] && !c[n - 2] && c[n - 1] && last != 'w' && last != 'x' && last != 'y';
        }
        return n == 2 && !c[0] && c[1];
    }

    /** Replace {@code suffix} by {@code replacement} when {@code condition} holds for the stem. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {
        static Rule always(String suffix, String replacement) {
            return new Rule(suffix, replacement, stem -> true);
        }

        /** (m>0) SUFFIX -> REPLACEMENT, the condition of steps 2 and 3. */
        static Rule mAbove0(String suffix, String replacement) {
            return new Rule(suffix, replacement, stem -> measure(stem) > 0);
        }

        /** (m>1) SUFFIX -> "", the condition of step 4. */
        static Rule mAbove1(String suffix) {
            return new Rule(suffix, "", stem -> measure(stem) > 1);
        }
    }
}
