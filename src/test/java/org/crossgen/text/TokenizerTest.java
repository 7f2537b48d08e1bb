package org.crossgen.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the real mistral-32k tokenizer through crossgen's wrapper. */
class TokenizerTest {
    private static Tokenizer tok;

    @BeforeAll
    static void load() {
        tok = Tokenizer.mistral32k();
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void specialIdsAndVocabularyComeFromTheShippedFiles() {
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertEquals(2, tok.padId(), "tokenizer_config.json has pad_token null: pad falls back to eos");
        assertEquals(32000, tok.vocabSize());
    }

    @Test
    void encodeAddsExactlyOneBosAndNeverEos() {
        long[] plain = tok.encode("Analyze the sentiment of the following text:", false);
        long[] withBos = tok.encode("Analyze the sentiment of the following text:", true);
        assertEquals(plain.length + 1, withBos.length);
        assertEquals(tok.bosId(), withBos[0]);
        assertArrayEquals(plain, Arrays.copyOfRange(withBos, 1, withBos.length));
        assertEquals(0, Arrays.stream(plain).filter(id -> id == tok.bosId() || id == tok.eosId()).count());
        assertArrayEquals(new long[] {tok.bosId()}, tok.encode("", true));
        assertEquals(0, tok.encode("", false).length);
    }

    @Test
    void longTextsAreNotTruncated() {
        // DJL's builder defaults to truncating at 512 tokens when no max length is given.
        String text = "word ".repeat(2000).strip();
        assertEquals(2000, tok.count(text, false));
    }

    @Test
    void decodeRoundTripsTextAndSkipsSpecialTokens() {
        for (String text : new String[] {"### Input:\nGreat phone!\n### Sentiment:", "héllo 日本 😀 a𝔘b",
                "a  b\n\nc", "Text 1:x\nText 2:y\nThe relation is "}) {
            assertEquals(text, tok.decode(tok.encode(text, true)), text);
        }
        long[] withEos = {tok.bosId(), 5278, tok.eosId()};
        assertEquals("positive", tok.decode(withEos));
    }

    @Test
    void encodingPromptAndTargetSeparatelyGivesTheTargetAWordBoundary() {
        // "Sentiment:" = ▁Sent im ent :  and  "positive" = ▁positive (one token)
        long[] prompt = tok.encode("Sentiment:", false);
        long[] target = tok.encode("positive", false);
        assertEquals(1, target.length);
        long[] joined = tok.encode("Sentiment:positive", false);
        assertArrayEquals(prompt, Arrays.copyOf(joined, prompt.length), "the prompt's tokens are unchanged");
        assertNotEquals(target[0], joined[prompt.length], "inside a word, 'positive' is not ▁positive");
        assertEquals(prompt.length + 2, joined.length); // "pos" "itive"
    }

    @Test
    void literalSpecialTokenTextIsMatchedAsSpecialTokens() {
        long[] ids = tok.encode("<s> hi </s>", false);
        assertEquals(tok.bosId(), ids[0]);
        assertEquals(tok.eosId(), ids[ids.length - 1]);
    }

    @Test
    void prefixEndNeverSplitsACharacter() {
        String text = "a𝔘b"; // 𝔘 is a surrogate pair spelled by four byte-fallback tokens
        assertEquals(6, tok.count(text, false));
        assertEquals(1, tok.prefixEnd(text, 1));
        assertEquals(1, tok.prefixEnd(text, 3), "half of 𝔘's bytes: cut before it");
        assertEquals(3, tok.prefixEnd(text, 5), "all of 𝔘's bytes: keep both UTF-16 units");
        assertEquals(text.length(), tok.prefixEnd(text, 6));
        assertEquals(0, tok.prefixEnd(text, 0));
        String words = "one two three four";
        assertEquals("one two", words.substring(0, tok.prefixEnd(words, 2)));
    }

    @Test
    void endWithoutCutsTokensFromTheEnd() {
        String text = "a𝔘b";
        assertEquals(text.length(), tok.endWithout(text, 0));
        assertEquals(3, tok.endWithout(text, 1), "drop b");
        assertEquals(1, tok.endWithout(text, 3), "dropping half of 𝔘's bytes drops it whole");
        assertEquals(0, tok.endWithout(text, 6));
        assertEquals(0, tok.endWithout(text, 9));
        assertEquals(0, tok.endWithout("", 1));
        String words = "one two three four";
        assertEquals("one two", words.substring(0, tok.endWithout(words, 2)));
    }

    @Test
    void keptEncodingsAreNotSharedWithCallers() {
        String text = "The movie was long, but never dull.";
        long[] first = tok.tokenIds(text);
        long[] expected = first.clone();
        first[0] = -1;
        tok.encode(text, false)[1] = -1;
        tok.encode(text, true)[2] = -1;
        assertArrayEquals(expected, tok.tokenIds(text));
        assertEquals(expected.length, tok.count(text, false));
        assertEquals(expected[0], tok.encode(text, true)[1]);
    }

    @Test
    void theMemoDropsTheLeastRecentlyUsedTextsPastItsCharacterBudget() {
        Tokenizer.Memo<Integer> memo = new Tokenizer.Memo<>(10);
        int[] computed = {0};
        Function<String, Integer> compute = t -> ++computed[0];
        assertEquals(1, memo.computeIfAbsent("aaaa", compute));
        assertEquals(2, memo.computeIfAbsent("bbbb", compute));
        assertEquals(1, memo.computeIfAbsent("aaaa", compute), "kept, and now the most recent");
        assertEquals(3, memo.computeIfAbsent("cccc", compute), "12 characters: bbbb, the least recent, goes");
        assertEquals(1, memo.computeIfAbsent("aaaa", compute));
        assertEquals(4, memo.computeIfAbsent("bbbb", compute), "computed again");
        assertEquals(5, memo.computeIfAbsent("a text over the budget", compute));
        assertEquals(6, memo.computeIfAbsent("a text over the budget", compute), "never kept");
    }

    @Test
    void loadReadsSpecialTokensFromAFolderAndFallsBackToEosForPad(@TempDir Path dir) throws IOException {
        Path shipped = Path.of("src/main/resources/tokenizers/mistral-32k");
        Files.copy(shipped.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        try (Tokenizer noConfig = Tokenizer.load(dir)) {
            assertEquals(1, noConfig.bosId());
            assertEquals(2, noConfig.padId());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\", \"pad_token\": {\"content\": \"<unk>\"}}");
        try (Tokenizer withPad = Tokenizer.load(dir)) {
            assertEquals(0, withPad.padId());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<eos>\"}");
        IOException e = assertThrows(IOException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().contains("eos_token \"<eos>\" is not in the vocabulary"), e.getMessage());
    }
}
