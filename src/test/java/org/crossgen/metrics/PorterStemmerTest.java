package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known outputs of NLTK's {@code PorterStemmer()} (NLTK_EXTENSIONS mode). The stemmer is also
 * checked end to end by the stemmed ROUGE section of {@link RougeBleuGoldenTest}.
 */
class PorterStemmerTest {
    private final PorterStemmer stemmer = new PorterStemmer();

    @Test
    void matchesNltkDocumentationExamples() {
        // The example list of NLTK's stem howto (nltk/test/stem.doctest).
        List<String> words = List.of("caresses", "flies", "dies", "mules", "denied", "died", "agreed",
                "owned", "humbled", "sized", "meeting", "stating", "siezing", "itemization",
                "sensational", "traditional", "reference", "colonizer", "plotted");
        List<String> stems = List.of("caress", "fli", "die", "mule", "deni", "die", "agre",
                "own", "humbl", "size", "meet", "state", "siez", "item",
                "sensat", "tradit", "refer", "colon", "plot");
        assertEquals(stems, words.stream().map(stemmer::stem).toList());
    }

    @Test
    void followsThePaperWhereNltkDoesNotDepart() {
        assertStems("cat", "cats");
        assertStems("feed", "feed");            // (m>0) EED: m("f") = 0
        assertStems("plaster", "plastered");
        assertStems("bled", "bled");            // no vowel before -ed
        assertStems("motor", "motoring");
        assertStems("sing", "sing");
        assertStems("hop", "hopping");          // double consonant undone
        assertStems("fall", "falling");         // ... but not ll
        assertStems("hiss", "hissing");
        assertStems("file", "filing");          // m = 1 and *o: put the e back
        assertStems("relat", "relational");
        assertStems("run", "running");
        assertStems("gener", "generalization");
    }

    @Test
    void keepsNltkDepartures() {
        assertStems("tie", "ties");             // four-letter -ies -> -ie (paper: ti)
        assertStems("spi", "spied");            // -ied -> -i, but died -> die
        assertStems("happi", "happy");          // y -> i after a consonant ...
        assertStems("enjoy", "enjoy");          // ... not after a vowel
        assertStems("sky", "skies");            // irregular forms
        assertStems("die", "dying");
        assertStems("news", "news");
        assertStems("proceed", "proceed");
        assertStems("geolog", "geology");       // -logi keeps its l with the stem
        assertStems("as", "as");                // two letters: untouched
    }

    @Test
    void lowercasesAndLeavesDigitsAsConsonants() {
        assertStems("run", "Running");
        assertStems("2024", "2024");
    }

    private void assertStems(String want, String word) {
        assertEquals(want, stemmer.stem(word), () -> "stem(\"" + word + "\")");
    }
}
