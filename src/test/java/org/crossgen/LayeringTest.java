package org.crossgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package uses only the packages below it, so each can be read, tested and replaced without
 * the ones above. The order, lowest first; {@code progress} and {@code files} are small utilities
 * every package may use, and the two leaves {@code text} and {@code metrics} sit right below
 * their first users ({@code model} writes the built-in model's tokenizer, {@code eval} scores).
 *
 * <p>A use is any {@code org.crossgen.<package>} in the source outside its package line: an
 * import, a fully qualified name, or a javadoc link (documentation that points up is a dependency
 * too).
 */
class LayeringTest {
    static final List<String> ORDER = List.of("files", "progress", "tensor", "dist", "text", "model", "data", "prompt", "train",
            "infer", "metrics", "eval", "study", "report", "bench", "cli");

    /** The report is made from result rows: it may not load models, tokenize, train or run a model. */
    static final Set<String> NOT_IN_REPORT = Set.of("tensor", "text", "model", "train", "infer");

    private static final Path MAIN = Path.of("src/main/java/org/crossgen");
    private static final Pattern USE = Pattern.compile("org\\.crossgen\\.([a-z]+)");

    @Test
    void everyPackageUsesOnlyPackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f).getName(0).toString();
                seen.add(pkg);
                int level = ORDER.indexOf(pkg);
                Matcher m = USE.matcher(Files.readString(f).replaceFirst("(?m)^package [^;]*;", ""));
                Set<String> used = new TreeSet<>();
                while (m.find()) used.add(m.group(1));
                for (String u : used) {
                    boolean below = ORDER.indexOf(u) >= 0 && ORDER.indexOf(u) < level;
                    if (u.equals(pkg) || below && !(pkg.equals("report") && NOT_IN_REPORT.contains(u))) continue;
                    violations.add(MAIN.relativize(f) + " uses " + u);
                }
            }
        }
        assertEquals(new TreeSet<>(ORDER), seen, "a package is missing from the order, or the order names one that is gone");
        assertEquals(List.of(), violations);
    }
}
