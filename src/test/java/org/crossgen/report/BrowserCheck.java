package org.crossgen.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crossgen.files.FileTrees;

/**
 * Opens a report in headless Chromium: reads the page's own self-check (every image decoded, no
 * script errors; see {@link HtmlReport}), collects console messages, and takes a screenshot.
 * Chromium runs with a fresh profile and no network features (this machine has no network).
 */
public final class BrowserCheck {
    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private final Path binary;

    /** What the page reported about itself. */
    public record Result(int images, List<String> brokenImages, List<String> errors, List<String> console) {
        public boolean ok() {
            return brokenImages.isEmpty() && errors.isEmpty() && console.isEmpty();
        }
    }

    private BrowserCheck(Path binary) {
        this.binary = binary;
    }

    /** A check with the first Chromium or Chrome on the PATH, if any. */
    public static Optional<BrowserCheck> onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : BROWSERS) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(new BrowserCheck(p));
            }
        }
        return Optional.empty();
    }

    /** Loads {@code html}, lets its scripts run, and returns its self-check and console output. */
    public Result check(Path html) throws IOException, InterruptedException {
        String[] run = run("--virtual-time-budget=10000", "--dump-dom", html.toUri().toString());
        Matcher m = Pattern.compile("<pre id=\"selfcheck\">(.*?)</pre>", Pattern.DOTALL).matcher(run[0]);
        if (!m.find()) throw new IOException("no self-check element in the page rendered from " + html);
        String text = m.group(1).replace("&quot;", "\"").replace("&amp;", "&");
        if (text.equals("pending")) throw new IOException("the page's self-check never ran (page load did not finish): " + html);
        JsonNode j = new ObjectMapper().readTree(text);
        List<String> console = run[1].lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
        return new Result(j.get("images").asInt(), strings(j.get("brokenImages")), strings(j.get("errors")), console);
    }

    /** A {@code 1280 x height} screenshot of {@code html} into {@code png}. */
    public void screenshot(Path html, Path png, int height) throws IOException, InterruptedException {
        run("--screenshot=" + png.toAbsolutePath(), "--window-size=1280," + height, "--hide-scrollbars", html.toUri().toString());
        if (!Files.exists(png)) throw new IOException("chromium wrote no screenshot " + png);
    }

    private String[] run(String... args) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("crossgen-chromium");
        try {
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + work.resolve("profile"),
                    "--enable-logging=stderr", "--v=0"));
            cmd.addAll(List.of(args));
            Path out = work.resolve("out.txt"), err = work.resolve("err.txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish in 120 s: " + cmd);
            }
            if (p.exitValue() != 0) throw new IOException("chromium exited " + p.exitValue() + ": " + Files.readString(err));
            return new String[] {Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8)};
        } finally {
            FileTrees.delete(work);
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a != null) a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
