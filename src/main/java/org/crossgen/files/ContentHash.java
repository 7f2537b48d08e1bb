package org.crossgen.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * SHA-256 content identities, the one place crossgen computes them. {@link #sha256(String...)}
 * hashes a list of strings unambiguously (each part is length-prefixed, so ("ab","c") and
 * ("a","bc") differ), which makes a key depend on nothing but the values given: the same on
 * every run and machine. {@link #sha256Text} is the plain hash of one text (what {@code sha256sum}
 * prints for it), {@link #sha256(Path)} that of a file's bytes, {@link #sha256Bytes} that of
 * chunks of bytes in order (a training set's token ids).
 */
public final class ContentHash {
    private ContentHash() {}

    /** Hex SHA-256 of the parts, each written as {@code <utf8 length>:<utf8 bytes>}. */
    public static String sha256(String... parts) {
        MessageDigest md = digest();
        for (String p : parts) {
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            md.update((b.length + ":").getBytes(StandardCharsets.UTF_8));
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of the UTF-8 bytes of {@code text}, nothing added. */
    public static String sha256Text(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of the chunks' bytes, concatenated in order; the chunks are read one at a time. */
    public static String sha256Bytes(Stream<byte[]> chunks) {
        MessageDigest md = digest();
        chunks.forEachOrdered(md::update);
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
