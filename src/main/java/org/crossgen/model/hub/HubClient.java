package org.crossgen.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The two calls of the Hub's HTTP API that a download needs, as huggingface_hub makes them:
 * {@code GET /api/models/{repo}/revision/{revision}?blobs=true} (the commit and the file list with
 * sizes and hashes) and {@code GET /{repo}/resolve/{commit}/{file}} (the bytes, usually after a
 * redirect to a CDN). The token goes as {@code Authorization: Bearer} to the endpoint only, never
 * to a redirect target on another host.
 */
final class HubClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 10;

    /** A file of a repository at a commit; {@code sha256} (LFS files) or {@code blobId} (git sha1) may be null. */
    record RemoteFile(String name, long size, String blobId, String sha256) {
        /** The cache's blob name: the LFS sha256, else the git blob id; null when the server gave neither. */
        String etag() {
            return sha256 != null ? sha256 : blobId;
        }
    }

    /** What a revision stands for: its commit and its files by name. */
    record RepoRevision(String commit, Map<String, RemoteFile> files) {}

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    /** @param token a Hub access token, or null */
    HubClient(URI endpoint, String token) {
        this.endpoint = endpoint;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    URI endpoint() {
        return endpoint;
    }

    /** The commit and files of {@code id}'s revision. */
    RepoRevision revision(HubId id) throws IOException {
        URI uri = resolve("api/models/" + id.repo() + "/revision/" + URLEncoder.encode(id.revision(), StandardCharsets.UTF_8) + "?blobs=true");
        HttpResponse<InputStream> r = send(uri, -1);
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) throw failure(id, uri, r.statusCode());
            JsonNode j = JSON.readTree(body);
            String commit = j.path("sha").asText("");
            if (!commit.matches("[0-9a-f]{40}")) throw new IOException(uri + ": the answer has no commit hash (\"sha\"), got \"" + commit + "\"");
            Map<String, RemoteFile> files = new LinkedHashMap<>();
            for (JsonNode s : j.path("siblings")) {
                String name = s.path("rfilename").asText("");
                JsonNode lfs = s.path("lfs");
                files.put(name, new RemoteFile(name, lfs.path("size").asLong(s.path("size").asLong(-1)),
                        s.hasNonNull("blobId") ? s.get("blobId").asText() : null,
                        lfs.hasNonNull("sha256") ? lfs.get("sha256").asText() : null));
            }
            return new RepoRevision(commit, files);
        }
    }

    /**
     * Downloads {@code file} at {@code commit} into {@code partial}, continuing it with a Range
     * request if it already holds bytes (a server that answers the whole file restarts it).
     *
     * @param progress told the bytes of the file held so far, after every chunk
     * @return the {@code X-Linked-Etag} (LFS files: their sha256) or {@code ETag} the Hub answered, unquoted; null if none
     */
    String download(HubId id, String commit, String file, Path partial, LongConsumer progress) throws IOException {
        URI uri = resolve(id.repo() + "/resolve/" + commit + "/" + URLEncoder.encode(file, StandardCharsets.UTF_8).replace("+", "%20"));
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        String etag = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = send(uri, have);
            if (hop == 0) etag = etag(r);
            try (InputStream body = r.body()) {
                int code = r.statusCode();
                if (code >= 300 && code < 400 && r.headers().firstValue("Location").isPresent()) {
                    uri = uri.resolve(r.headers().firstValue("Location").get());
                    continue;
                }
                if (code == 416 && have > 0) {   // the partial file is not a prefix the server knows: start over
                    Files.delete(partial);
                    return download(id, commit, file, partial, progress);
                }
                if (code != 200 && code != 206) throw failure(id, uri, code);
                boolean append = code == 206;
                long done = append ? have : 0;
                progress.accept(done);
                try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[1 << 20];
                    for (int n; (n = body.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        done += n;
                        progress.accept(done);
                    }
                }
                return etag;
            }
        }
        throw new IOException(id.repo() + "/" + file + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private HttpResponse<InputStream> send(URI uri, long rangeFrom) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("User-Agent", "crossgen");
        // the token is for the Hub, not for the CDN a download is redirected to
        if (token != null && Objects.equals(uri.getHost(), endpoint.getHost()) && uri.getPort() == endpoint.getPort()) {
            b.header("Authorization", "Bearer " + token);
        }
        if (rangeFrom > 0) b.header("Range", "bytes=" + rangeFrom + "-");
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + uri + ": " + e + " (set HF_HUB_OFFLINE=1 to use only models already in the cache)", e);
        }
    }

    private static String etag(HttpResponse<?> r) {
        String e = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag")).orElse(null);
        return e == null ? null : e.replaceFirst("^W/", "").replace("\"", "");
    }

    private IOException failure(HubId id, URI uri, int code) {
        String why = switch (code) {
            case 401, 403 -> id.repo() + " is private or gated: accept its licence on the Hub and set HF_TOKEN to a token with access"
                    + (token == null ? " (no token is set)" : "");
            case 404 -> "no model " + id.repo() + " with revision \"" + id.revision() + "\" on " + endpoint;
            default -> "the Hub answered HTTP " + code;
        };
        return new IOException(why + " (GET " + uri + " -> " + code + ")");
    }

    private URI resolve(String path) {
        String base = endpoint.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }
}
