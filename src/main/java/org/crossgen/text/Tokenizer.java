package org.crossgen.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.crossgen.files.InputFiles;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) with crossgen's rules for special tokens.
 *
 * <p>{@link #encode} never lets DJL add special tokens, truncate or pad: it prepends exactly one
 * BOS when asked and never appends EOS, so prompt builders, the trainer and the evaluator all see
 * the same ids. Special-token ids come from {@code tokenizer_config.json} when the folder has one
 * ({@code bos_token}, {@code eos_token}, {@code pad_token}); pad falls back to eos.
 *
 * <p><b>Word boundaries (SentencePiece).</b> The mistral-32k normalizer prepends {@code ▁} (a
 * space) to every encoded text. So {@code encode(prompt) ++ encode(target)} gives the target a
 * leading word boundary: {@code "Sentiment:"} + {@code "positive"} encodes the target as
 * {@code ▁positive}, while encoding the concatenated string {@code "Sentiment:positive"} gives
 * {@code :} {@code positive} without it. The trainer and the log-likelihood scorer therefore do
 * not encode the target on its own: {@link ContinuationTokens} encodes prompt and target as one
 * string and takes the target's tokens from it, as the model would produce them in context (only
 * when a token merges across the boundary does it fall back to the separate encoding).
 * {@link #decode} strips one leading space, so {@code decode(encode(t, false))} returns {@code t}.
 *
 * <p>Special tokens written literally in a text ({@code "<s>"}, {@code "</s>"}) are matched as
 * special tokens by the underlying library; the shipped datasets contain none.
 *
 * <p>Encodings of recent texts are kept (up to {@link #MEMO_CHARS} characters of text each for ids and
 * for spans), because a study worker evaluates every model on the same prompts: one tokenizer kept
 * across models encodes each prompt once (docs/engine.md, Tokenizing).
 *
 * <p>Holds a native tokenizer: close it. Thread-safe for concurrent encode/decode.
 */
public final class Tokenizer implements AutoCloseable {
    private static final String MISTRAL_32K = "tokenizers/mistral-32k/";
    /** Characters of text whose encodings are kept, per kind: the quick study's evaluation prompts take about 7M. */
    private static final long MEMO_CHARS = 16_000_000;

    private final HuggingFaceTokenizer hf;
    private final long bosId;
    private final long eosId;
    private final long padId;
    private final int vocabSize;
    private final Memo<long[]> ids = new Memo<>(MEMO_CHARS);
    private final Memo<CharSpan[]> spans = new Memo<>(MEMO_CHARS);

    private Tokenizer(HuggingFaceTokenizer hf, long bosId, long eosId, long padId, int vocabSize) {
        this.hf = hf;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
        this.vocabSize = vocabSize;
    }

    /**
     * Loads {@code dir/tokenizer.json} (and {@code dir/tokenizer_config.json} when present).
     *
     * @throws IOException if a file cannot be read, or a special token is not in the vocabulary
     */
    public static Tokenizer load(Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.exists(json)) throw new IOException("no tokenizer.json in " + dir);
        JsonNode vocab = InputFiles.readJson(json, "tokenizer");
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode config = Files.exists(configFile)
                ? InputFiles.readJson(configFile, "tokenizer config") : new ObjectMapper().createObjectNode();

        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(false) // BOS is ours to add; the post-processor would add one more
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) { // the native library's message, without its stack
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new IOException(json + ": not a Hugging Face tokenizer: " + why, e);
        }
        try {
            long bos = specialId(vocab, config, "bos_token", "<s>", json);
            long eos = specialId(vocab, config, "eos_token", "</s>", json);
            String pad = tokenName(config.get("pad_token"));
            long padId = pad == null ? eos : tokenId(vocab, pad, "pad_token", json);
            return new Tokenizer(hf, bos, eos, padId, vocabSize(vocab));
        } catch (IOException | RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    /** The mistral-32k tokenizer shipped on the classpath (the default model's tokenizer). */
    public static Tokenizer mistral32k() {
        try {
            // DJL reads from a file path, and a classpath resource may live inside a jar.
            Path dir = Files.createTempDirectory("crossgen-mistral-32k");
            writeMistral32k(dir);
            try {
                return load(dir);
            } finally {
                for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                    Files.deleteIfExists(dir.resolve(name));
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the shipped mistral-32k {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public static void writeMistral32k(Path dir) throws IOException {
        for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            try (InputStream in = Tokenizer.class.getClassLoader().getResourceAsStream(MISTRAL_32K + name)) {
                if (in == null) throw new IOException("classpath resource missing: " + MISTRAL_32K + name);
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Token ids of {@code text}: one BOS first when {@code addBos}, never an EOS, no truncation.
     */
    public long[] encode(String text, boolean addBos) {
        long[] ids = ids(text);
        long[] out = new long[ids.length + (addBos ? 1 : 0)];
        if (addBos) out[0] = bosId;
        System.arraycopy(ids, 0, out, out.length - ids.length, ids.length);
        return out;
    }

    /** Token ids of {@code text} without any special token; {@code encode(text, false)}. */
    public long[] tokenIds(String text) {
        return ids(text).clone();
    }

    /** The kept ids of {@code text}, shared: callers copy before handing them out. */
    private long[] ids(String text) {
        if (text.isEmpty()) return new long[0]; // the normalizer would still emit a lone "▁"
        return ids.computeIfAbsent(text, t -> fromEncoding(t, TokenizersLibrary.LIB::getTokenIds));
    }

    /**
     * Code-point spans of {@code text}'s tokens. Like {@link #tokenIds}, this reads one field of the
     * native encoding: DJL's {@code encode} copies all eight (each token also as a Java string),
     * which doubled the cost of tokenizing long prompts (docs/engine.md, Tokenizing).
     */
    private CharSpan[] spans(String text) {
        return spans.computeIfAbsent(text, t -> fromEncoding(t, TokenizersLibrary.LIB::getTokenCharSpans));
    }

    /** One field of the native encoding of {@code text} (no special tokens added), read before it is freed. */
    private <T> T fromEncoding(String text, LongFunction<T> field) {
        long encoding = TokenizersLibrary.LIB.encode(hf.getHandle(), text, false);
        try {
            return field.apply(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    /** Number of tokens {@code encode(text, addBos)} returns. */
    public int count(String text, boolean addBos) {
        return ids(text).length + (addBos ? 1 : 0);
    }

    /**
     * Length of the longest prefix of {@code text} spelled by at most its first {@code n} tokens
     * (a UTF-16 index into {@code text}); {@code n} at or above the token count gives
     * {@code text.length()}. A character split into byte-fallback tokens is kept whole or not at
     * all, so the prefix never ends inside a character.
     */
    public int prefixEnd(String text, int n) {
        if (n <= 0 || text.isEmpty()) return 0;
        return prefixEnd(text, spans(text), n);
    }

    /**
     * {@link #prefixEnd} of all but the last {@code drop} tokens of {@code text}: where a cut of
     * {@code drop} tokens from its end falls, with one encoding of a (long) text instead of two.
     */
    public int endWithout(String text, int drop) {
        if (text.isEmpty()) return 0;
        CharSpan[] spans = spans(text);
        int n = spans.length - drop;
        return n <= 0 ? 0 : prefixEnd(text, spans, n);
    }

    private static int prefixEnd(String text, CharSpan[] spans, int n) {
        if (n >= spans.length) return text.length();
        int end = spans[n].getStart() < spans[n - 1].getEnd()
                ? spans[n - 1].getStart()  // token n continues token n-1's character: drop it
                : spans[n - 1].getEnd();
        return text.offsetByCodePoints(0, end);
    }

    /** Text of {@code ids}, special tokens skipped. */
    public String decode(long[] ids) {
        return hf.decode(ids, true);
    }

    public long bosId() {
        return bosId;
    }

    public long eosId() {
        return eosId;
    }

    /** Padding id: the config's pad token, or eos when it names none. */
    public long padId() {
        return padId;
    }

    /** Number of distinct ids: the model vocabulary plus added tokens outside it. */
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return "Tokenizer[vocab=" + vocabSize + ", bos=" + bosId + ", eos=" + eosId + ", pad=" + padId + "]";
    }

    /**
     * Values of recently used texts, least recently used out first once the texts pass
     * {@code maxChars} characters together.
     */
    static final class Memo<T> {
        private final LinkedHashMap<String, T> values = new LinkedHashMap<>(256, 0.75f, true);
        private final long maxChars;
        private long chars;

        Memo(long maxChars) {
            this.maxChars = maxChars;
        }

        T computeIfAbsent(String text, Function<String, T> compute) {
            synchronized (this) {
                T kept = values.get(text);
                if (kept != null) return kept;
            }
            T value = compute.apply(text);   // outside the lock: encodings of different texts run in parallel
            synchronized (this) {
                if (text.length() > maxChars) return value;
                if (values.put(text, value) == null) chars += text.length();
                for (Iterator<Map.Entry<String, T>> it = values.entrySet().iterator(); chars > maxChars; ) {
                    chars -= it.next().getKey().length();
                    it.remove();
                }
            }
            return value;
        }
    }

    private static long specialId(JsonNode vocab, JsonNode config, String key, String fallback, Path file)
            throws IOException {
        String name = tokenName(config.get(key));
        return tokenId(vocab, name == null ? fallback : name, key, file);
    }

    /** A config token is either a string or an AddedToken object with "content". */
    private static String tokenName(JsonNode node) {
        if (node == null || node.isNull()) return null;
        return node.isTextual() ? node.asText() : node.path("content").asText(null);
    }

    private static long tokenId(JsonNode vocab, String token, String key, Path file) throws IOException {
        for (JsonNode added : vocab.path("added_tokens")) {
            if (token.equals(added.path("content").asText())) return added.path("id").asLong();
        }
        JsonNode id = vocab.path("model").path("vocab").get(token);
        if (id == null) throw new IOException(file + ": " + key + " \"" + token + "\" is not in the vocabulary");
        return id.asLong();
    }

    private static int vocabSize(JsonNode vocab) {
        long max = -1;
        for (JsonNode id : vocab.path("model").path("vocab")) max = Math.max(max, id.asLong());
        for (JsonNode added : vocab.path("added_tokens")) max = Math.max(max, added.path("id").asLong());
        return Math.toIntExact(max + 1);
    }
}
