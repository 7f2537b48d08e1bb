package org.crossgen.model.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Hugging Face Hub's URL layout on loopback, for one repository at one commit:
 * {@code /api/models/{repo}/revision/{main|tag|commit}?blobs=true} and
 * {@code /{repo}/resolve/{commit}/{file}}. Files whose name ends in {@code .safetensors} are LFS
 * files: the Hub answers 302 with {@code X-Linked-Etag} (their sha256) to a second server standing
 * for the CDN, as huggingface.co does. Both servers honour {@code Range: bytes=N-}.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String TAG = "v1.0";

    private final String repo;
    private final Map<String, byte[]> files;
    private final HttpServer hub;
    private final HttpServer cdn;
    /** One line per request: {@code "hub GET /path range=bytes=N- auth=Bearer x"}. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    String requiredToken;
    /** Served instead of the real bytes of that file (same listing, wrong content). */
    final Map<String, byte[]> corrupted = new TreeMap<>();

    FakeHub(String repo, Map<String, byte[]> files) throws IOException {
        this.repo = repo;
        this.files = new TreeMap<>(files);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.createContext("/", e -> handle(e, "hub"));
        cdn.createContext("/", e -> handle(e, "cdn"));
        hub.start();
        cdn.start();
    }

    /** The files of a folder, by name. */
    static Map<String, byte[]> filesOf(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) out.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return out;
    }

    URI endpoint() {
        return URI.create("http://" + hub.getAddress().getHostString() + ":" + hub.getAddress().getPort());
    }

    static boolean lfs(String name) {
        return name.endsWith(".safetensors");
    }

    static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitSha1(byte[] b) {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return java.util.HexFormat.of().formatHex(md.digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String etag(String name, byte[] b) {
        return lfs(name) ? sha256(b) : gitSha1(b);
    }

    private void handle(HttpExchange e, String server) throws IOException {
        String path = e.getRequestURI().getRawPath();
        String auth = e.getRequestHeaders().getFirst("Authorization");
        String range = e.getRequestHeaders().getFirst("Range");
        requests.add(server + " GET " + path + (range != null ? " range=" + range : "") + (auth != null ? " auth=" + auth : ""));
        if (server.equals("hub") && requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            send(e, 401, "Invalid credentials".getBytes(StandardCharsets.UTF_8), null);
            return;
        }
        String api = "/api/models/" + repo + "/revision/";
        String resolve = "/" + repo + "/resolve/" + COMMIT + "/";
        if (server.equals("hub") && path.startsWith(api)) {
            String rev = java.net.URLDecoder.decode(path.substring(api.length()), StandardCharsets.UTF_8);
            if (!Set.of("main", TAG, COMMIT).contains(rev)) {
                send(e, 404, "Revision Not Found".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            send(e, 200, listing(), null);
        } else if (server.equals("hub") && path.startsWith(resolve)) {
            String name = java.net.URLDecoder.decode(path.substring(resolve.length()), StandardCharsets.UTF_8);
            byte[] b = files.get(name);
            if (b == null) {
                send(e, 404, "Entry not found".getBytes(StandardCharsets.UTF_8), null);
            } else if (lfs(name)) {
                e.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(b) + "\"");
                e.getResponseHeaders().add("Location", "http://" + cdn.getAddress().getHostString() + ":" + cdn.getAddress().getPort()
                        + "/cdn/" + name);
                send(e, 302, new byte[0], null);
            } else {
                e.getResponseHeaders().add("ETag", "\"" + gitSha1(b) + "\"");
                send(e, 200, served(name), range);
            }
        } else if (server.equals("cdn") && path.startsWith("/cdn/") && files.containsKey(path.substring(5))) {
            send(e, 200, served(path.substring(5)), range);
        } else {
            send(e, 404, "Not Found".getBytes(StandardCharsets.UTF_8), null);
        }
    }

    private byte[] served(String name) {
        return corrupted.getOrDefault(name, files.get(name));
    }

    private byte[] listing() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode().put("id", repo).put("sha", COMMIT);
        ArrayNode siblings = o.putArray("siblings");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            ObjectNode s = siblings.addObject().put("rfilename", f.getKey()).put("size", f.getValue().length)
                    .put("blobId", gitSha1(("version https://git-lfs.github.com/spec/v1 " + f.getKey()).getBytes(StandardCharsets.UTF_8)));
            if (lfs(f.getKey())) s.putObject("lfs").put("sha256", sha256(f.getValue())).put("size", f.getValue().length);
            else s.put("blobId", gitSha1(f.getValue()));
        }
        return json.writeValueAsBytes(o);
    }

    /** Answers {@code body}, or its tail from N with 206 for {@code Range: bytes=N-}. */
    private static void send(HttpExchange e, int code, byte[] body, String range) throws IOException {
        if (range != null && range.startsWith("bytes=") && range.endsWith("-") && code == 200) {
            int from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= body.length) {
                e.sendResponseHeaders(416, -1);
                e.close();
                return;
            }
            body = Arrays.copyOfRange(body, from, body.length);
            code = 206;
        }
        e.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
