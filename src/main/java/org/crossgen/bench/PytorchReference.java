package org.crossgen.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same 58M model and forward+backward in PyTorch from Python ({@code ref_llama.py}, shipped
 * with crossgen), run as a child process when a Python with {@code torch} is found. Debian's
 * {@code python3-torch} installs into {@code /usr/bin/python3}, which is not always the
 * {@code python3} on the PATH (pyenv, venvs), so both are tried.
 */
public final class PytorchReference {
    /** Pythons tried in order when none is given. */
    public static final List<String> DEFAULT_PYTHONS = List.of("python3", "/usr/bin/python3");
    private static final Pattern RESULT = Pattern.compile("^RESULT python (\\S+) .*fwd_bwd_tokens_per_s=([0-9.]+)", Pattern.MULTILINE);

    /** A Python that imports torch, with torch's version. */
    record Python(String command, String torchVersion) {}

    /** Forward+backward tokens/s of one mode ({@code train}: float32, {@code bf16}: autocast). */
    record Result(String mode, double tokensPerS) {}

    private PytorchReference() {}

    /**
     * The first of {@code candidates} where {@code import torch} works; otherwise an exception
     * whose message says what each candidate answered.
     */
    static Python find(List<String> candidates) throws IOException {
        List<String> failures = new ArrayList<>();
        for (String python : candidates) {
            Outcome o = run(List.of(python, "-c", "import torch; print(torch.__version__)"), Map.of(), 120);
            if (o.exitCode == 0) return new Python(python, o.output.strip());
            failures.add("`" + python + " -c \"import torch\"` " + o.failure());
        }
        throw new IOException(String.join("; ", failures));
    }

    /**
     * Runs {@code ref_llama.py MODE} at batch x seq: {@code warmup} untimed steps, then the median of
     * {@code steps} timed ones. PyTorch needs two warm-up steps here: with the launcher's settings its
     * second bf16 step still took 1.27 s against 0.69-0.89 s for the next four.
     */
    static Result measure(Python python, String mode, int batch, int seq, int warmup, int steps, int threads) throws IOException {
        Path script = Files.createTempFile("crossgen-ref_llama", ".py");
        try {
            try (InputStream in = PytorchReference.class.getResourceAsStream("ref_llama.py")) {
                if (in == null) throw new IOException("ref_llama.py missing from the classpath (org/crossgen/bench)");
                Files.write(script, in.readAllBytes());
            }
            Map<String, String> env = Map.of("BATCH", Integer.toString(batch), "SEQ", Integer.toString(seq),
                    "STEPS", Integer.toString(steps), "WARMUP", Integer.toString(warmup), "THREADS", Integer.toString(threads));
            Outcome o = run(List.of(python.command(), script.toString(), mode), env, 3600);
            if (o.exitCode != 0) throw new IOException(python.command() + " ref_llama.py " + mode + " " + o.failure());
            return parse(o.output, mode);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The RESULT line of ref_llama.py's output. */
    static Result parse(String output, String mode) throws IOException {
        Matcher m = RESULT.matcher(output);
        if (!m.find() || !m.group(1).equals(mode)) {
            throw new IOException("ref_llama.py " + mode + " printed no RESULT line with fwd_bwd_tokens_per_s; its output ended: "
                    + tail(output));
        }
        return new Result(mode, Double.parseDouble(m.group(2)));
    }

    /** A child's exit code and output; a negative code means it did not start or did not finish. */
    private record Outcome(int exitCode, String output) {
        String failure() {
            return exitCode < 0 ? output : "exited with " + exitCode + ": " + tail(output);
        }
    }

    private static Outcome run(List<String> command, Map<String, String> env, long timeoutS) {
        Path log = null;
        try {
            log = Files.createTempFile("crossgen-python", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(-2, "timed out after " + timeoutS + " s");
            }
            return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Outcome(-1, "could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        } finally {
            if (log != null) log.toFile().delete();
        }
    }

    private static String tail(String output) {
        String s = output.strip();
        int cut = s.lastIndexOf('\n', Math.max(0, s.length() - 300));
        return s.isEmpty() ? "(no output)" : s.substring(cut < 0 ? 0 : cut + 1).replace('\n', ' ');
    }
}
