package org.crossgen.model.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.InputFiles;

/**
 * The Hugging Face cache on this machine, in huggingface_hub's layout, so models downloaded by
 * Python tools are used as they are and models crossgen downloads are theirs too:
 *
 * <pre>
 * $HF_HUB_CACHE/models--org--name/
 *     refs/main                      the commit hash a branch or tag pointed to when downloaded
 *     snapshots/&lt;commit&gt;/config.json   links to ../../blobs/&lt;etag&gt; (copies where links are not allowed)
 *     blobs/&lt;etag&gt;                    file contents, named by sha256 (LFS files) or git blob sha1
 * </pre>
 *
 * The root is {@code HF_HUB_CACHE}, else {@code HUGGINGFACE_HUB_CACHE}, else {@code HF_HOME/hub},
 * else {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
 */
final class HubCache {
    private final Path root;

    HubCache(Path root) {
        this.root = root;
    }

    /** The cache the environment names, as huggingface_hub finds it. */
    static HubCache of(Map<String, String> env) {
        String hub = firstSet(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        return new HubCache(hub != null ? Path.of(hub) : hfHome(env).resolve("hub"));
    }

    /** {@code HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface} (where the login token lives too). */
    static Path hfHome(Map<String, String> env) {
        String home = firstSet(env, "HF_HOME");
        if (home != null) return Path.of(home);
        String xdg = firstSet(env, "XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("huggingface");
    }

    static String firstSet(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }

    Path root() {
        return root;
    }

    Path repoDir(HubId id) {
        return root.resolve(id.cacheFolder());
    }

    /** The commit a revision stands for in the cache: {@code refs/<revision>}, or the revision itself if it is a cached commit. */
    Optional<String> commit(HubId id) throws IOException {
        Path ref = repoDir(id).resolve("refs").resolve(id.revision());
        if (Files.isRegularFile(ref)) return Optional.of(InputFiles.readString(ref, "Hub cache ref").trim());
        if (id.isCommit() && Files.isDirectory(snapshot(id, id.revision()))) return Optional.of(id.revision());
        return Optional.empty();
    }

    Path snapshot(HubId id, String commit) {
        if (!commit.matches("[A-Za-z0-9]{1,64}")) {
            throw new IllegalArgumentException(repoDir(id) + ": ref of " + id.revision() + " holds \"" + commit + "\", not a commit hash");
        }
        return repoDir(id).resolve("snapshots").resolve(commit);
    }

    /** The cached snapshot of {@code id}, if one with a complete model (see {@link HubFiles#complete}) is there. */
    Optional<Path> find(HubId id) throws IOException {
        Optional<String> commit = commit(id);
        if (commit.isEmpty()) return Optional.empty();
        Path dir = snapshot(id, commit.get());
        return HubFiles.complete(dir) ? Optional.of(dir) : Optional.empty();
    }

    Path blob(HubId id, String etag) {
        return repoDir(id).resolve("blobs").resolve(etag);
    }

    /** huggingface_hub's lock file for a blob, so concurrent downloaders (its own or crossgen's) take turns. */
    Path lock(HubId id, String etag) {
        return root.resolve(".locks").resolve(id.cacheFolder()).resolve(etag + ".lock");
    }

    /** Points {@code snapshots/<commit>/<file>} at its blob: a relative link, or a copy where links are not allowed. */
    void link(HubId id, String commit, String file, Path blob) throws IOException {
        Path target = snapshot(id, commit).resolve(file);
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target);
        }
    }

    /** Records that {@code revision} (a branch or tag) stood for {@code commit}. */
    void writeRef(HubId id, String commit) throws IOException {
        if (id.revision().equals(commit)) return;
        Path ref = repoDir(id).resolve("refs").resolve(id.revision());
        Files.createDirectories(ref.getParent());
        AtomicFiles.writeString(ref, commit);
    }
}
