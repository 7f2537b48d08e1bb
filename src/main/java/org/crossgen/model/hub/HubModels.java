package org.crossgen.model.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds models named by Hub id ({@code org/name[@revision]}): in the local Hugging Face cache
 * first, so models that transformers already downloaded are used as they are and no network is
 * touched; otherwise downloaded into that cache from {@code HF_ENDPOINT} (default
 * {@code https://huggingface.co}) with {@code HF_TOKEN} (or the token {@code huggingface-cli login}
 * saved); with {@code HF_HUB_OFFLINE=1} a model missing from the cache is an error. See docs/models.md.
 */
public final class HubModels {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "on", "yes", "true");

    private final Map<String, String> env;
    private final HubCache cache;

    private HubModels(Map<String, String> env) {
        this.env = env;
        this.cache = HubCache.of(env);
    }

    /** Configured by this process's environment. */
    public static HubModels fromEnvironment() {
        return new HubModels(System.getenv());
    }

    /** Configured by {@code env} ({@code HF_HUB_CACHE}, {@code HF_HOME}, {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}). */
    public static HubModels of(Map<String, String> env) {
        return new HubModels(env);
    }

    /**
     * True when {@code name} is to be looked up on the Hub: it has the form {@code org/name[@rev]}
     * and is not an existing folder (relative to {@code base}); a local folder always wins, as in transformers.
     */
    public static boolean isHubId(String name, Path base) {
        return HubId.looksLike(name) && !Files.isDirectory(base.resolve(name));
    }

    /** The id as run cards and adapters record it ({@code org/name}, {@code @revision} unless main). */
    public static String canonical(String name) {
        return HubId.parse(name).toString();
    }

    /** The snapshot folder of {@code name} ({@code org/name[@revision]}), from the cache or downloaded into it. */
    public Path resolve(String name) throws IOException {
        HubId id = HubId.parse(name);
        Optional<Path> cached = cache.find(id);
        if (cached.isPresent()) return cached.get();
        if (offline()) {
            throw new IOException("model " + id.repo() + " (revision " + id.revision() + ") is not in the Hugging Face cache "
                    + cache.root() + " (or only in part) and HF_HUB_OFFLINE is set; unset it to download the model, or give a model folder");
        }
        return new HubDownload(new HubClient(endpoint(), token()), cache, id).run();
    }

    private boolean offline() {
        String v = HubCache.firstSet(env, "HF_HUB_OFFLINE");
        return v != null && TRUE.contains(v.trim().toLowerCase(Locale.ROOT));
    }

    private URI endpoint() {
        String e = HubCache.firstSet(env, "HF_ENDPOINT");
        try {
            URI uri = URI.create(e != null ? e.replaceAll("/+$", "") : DEFAULT_ENDPOINT);
            if (uri.getScheme() == null || uri.getHost() == null) throw new IllegalArgumentException("no scheme or host");
            return uri;
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("HF_ENDPOINT \"" + e + "\" is not a URL like " + DEFAULT_ENDPOINT);
        }
    }

    /** {@code HF_TOKEN}, else the file {@code HF_TOKEN_PATH} or {@code HF_HOME/token} that {@code huggingface-cli login} writes. */
    private String token() throws IOException {
        String t = HubCache.firstSet(env, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
        if (t != null) return t.trim();
        String path = HubCache.firstSet(env, "HF_TOKEN_PATH");
        Path file = path != null ? Path.of(path) : HubCache.hfHome(env).resolve("token");
        if (!Files.isRegularFile(file)) return null;
        String saved = Files.readString(file).trim();
        return saved.isEmpty() ? null : saved;
    }
}
