package org.crossgen.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.crossgen.files.ContentHash;
import org.crossgen.model.hub.HubClient.RemoteFile;
import org.crossgen.model.hub.HubClient.RepoRevision;
import org.crossgen.progress.ProgressBar;

/**
 * Downloads one model revision into the cache, the files crossgen reads only ({@link HubFiles}):
 * each file into {@code blobs/<etag>.incomplete} (continued where an earlier run stopped), checked
 * against the Hub's sha256 (LFS files) or git blob sha1 (the others), then renamed to its blob and
 * linked from the snapshot. Files the snapshot already holds are not fetched again.
 */
final class HubDownload {
    private final HubClient client;
    private final HubCache cache;
    private final HubId id;

    HubDownload(HubClient client, HubCache cache, HubId id) {
        this.client = client;
        this.cache = cache;
        this.id = id;
    }

    /** Fetches what is missing and returns the snapshot folder. */
    Path run() throws IOException {
        RepoRevision rev = client.revision(id);
        Path dir = cache.snapshot(id, rev.commit());
        Set<String> names = rev.files().keySet();
        if (!names.contains("config.json")) throw new IOException(id.repo() + " has no config.json: not a transformers model repository");
        for (String f : HubFiles.metadata(names)) fetch(rev, f, null);
        List<String> weights = missing(dir, HubFiles.weights(dir, names));
        long total = 0;
        for (String w : weights) {
            RemoteFile f = rev.files().get(w);
            if (f == null) throw new IOException(id.repo() + "@" + rev.commit() + ": the weight index names " + w + ", which the repository lacks");
            total += Math.max(0, f.size());
        }
        try (ProgressBar bar = ProgressBar.forConsole("download " + id, total, false)) {
            long[] before = {0};
            for (String w : weights) {
                fetch(rev, w, bytes -> bar.update(before[0] + bytes, ""));
                before[0] += Math.max(0, rev.files().get(w).size());
            }
        }
        cache.writeRef(id, rev.commit());
        if (!HubFiles.complete(dir)) throw new IOException(dir + ": the download finished but the model is incomplete");
        return dir;
    }

    private static List<String> missing(Path dir, List<String> files) {
        List<String> out = new ArrayList<>();
        for (String f : files) if (!Files.isRegularFile(dir.resolve(f))) out.add(f);
        return out;
    }

    /** One file into its blob and the snapshot, under huggingface_hub's lock for that blob. */
    private void fetch(RepoRevision rev, String name, java.util.function.LongConsumer progress) throws IOException {
        Path target = cache.snapshot(id, rev.commit()).resolve(name);
        if (Files.isRegularFile(target)) return;
        RemoteFile file = rev.files().get(name);
        // without a hash from the listing, the partial file is named by commit and path, so a rerun still continues it
        String partialName = file.etag() != null ? file.etag() : ContentHash.sha256(rev.commit(), name);
        Path lockFile = cache.lock(id, partialName);
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            if (file.etag() != null && Files.isRegularFile(cache.blob(id, file.etag()))) {   // another process fetched it meanwhile
                cache.link(id, rev.commit(), name, cache.blob(id, file.etag()));
                return;
            }
            Path partial = cache.blob(id, partialName + ".incomplete");
            Files.createDirectories(partial.getParent());
            String headerEtag = client.download(id, rev.commit(), name, partial, progress == null ? b -> {} : progress);
            String etag = verify(partial, file, headerEtag);
            Path blob = cache.blob(id, etag);
            Files.move(partial, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            cache.link(id, rev.commit(), name, blob);
        }
    }

    /**
     * Checks the downloaded bytes against the size and hash the Hub gave and returns the blob name;
     * a mismatch deletes the partial file (a rerun starts it over) and fails naming both hashes.
     */
    private String verify(Path partial, RemoteFile file, String headerEtag) throws IOException {
        String where = id.repo() + "@" + id.revision() + " " + file.name();
        long size = Files.size(partial);
        if (file.size() >= 0 && size != file.size()) {
            if (size > file.size()) Files.delete(partial);
            throw new IOException(where + ": downloaded " + size + " bytes, the Hub lists " + file.size()
                    + (size < file.size() ? " (the connection ended early; run again to continue)" : " (deleted; run again)"));
        }
        String sha256 = file.sha256() != null ? file.sha256() : matching(headerEtag, 64);
        String gitSha1 = sha256 == null ? (file.blobId() != null ? file.blobId() : matching(headerEtag, 40)) : null;
        String expected = sha256 != null ? sha256 : gitSha1;
        if (expected == null) return ContentHash.sha256(partial);   // nothing to check against: name the blob by its content
        String actual = sha256 != null ? ContentHash.sha256(partial) : gitBlobSha1(partial);
        if (!actual.equals(expected)) {
            Files.delete(partial);
            throw new IOException(where + ": " + (sha256 != null ? "sha256" : "git sha1") + " of the download is " + actual
                    + ", the Hub says " + expected + "; deleted it, run again");
        }
        return expected;
    }

    private static String matching(String etag, int hexLength) {
        return etag != null && etag.matches("[0-9a-f]{" + hexLength + "}") ? etag : null;
    }

    /** git's object id of a file: sha1 of {@code "blob <size>\0"} then the bytes (the Hub's etag for files outside LFS). */
    static String gitBlobSha1(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + Files.size(file) + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] buf = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
