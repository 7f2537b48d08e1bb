package org.crossgen.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.FileTrees;
import org.crossgen.files.InputFiles;

/**
 * The checkpoint folders of a run, {@code <out>/checkpoints/step-NNNNNNNN/}, each holding
 * <ul>
 *   <li>the trainable weights: {@code config.json + model.safetensors} (full fine-tuning) or
 *       {@code adapter_config.json + adapter_model.safetensors} (LoRA, PEFT layout);</li>
 *   <li>{@code optimizer.safetensors}: AdamW's {@code exp_avg/<name>} and {@code exp_avg_sq/<name>} (fp32);</li>
 *   <li>{@code trainer_state.json}: step, epoch, step in epoch, AdamW's step count, data hash and
 *       the config. Data order and dropout need no saved RNG: both are re-derived from the seed
 *       (data order from {@code (seed, epoch)}, libtorch's generator reseeded from {@code (seed, step)}).</li>
 * </ul>
 * A checkpoint is written into {@code .tmp-step-NNNNNNNN} and renamed when complete, so a folder
 * named {@code step-*} is always whole; a kill mid-write leaves only a temp folder, which the next
 * start deletes.
 */
final class Checkpoint {
    static final String STATE = "trainer_state.json";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");

    /** Writes one folder's files into {@code tmp}. */
    interface Contents {
        void writeTo(Path tmp) throws IOException;
    }

    private Checkpoint() {}

    static Path folder(Path root, long step) {
        return root.resolve(String.format("step-%08d", step));
    }

    /** Writes a complete checkpoint for {@code step} (replacing one at the same step) and returns its folder. */
    static Path write(Path root, long step, Contents contents) throws IOException {
        Path target = folder(root, step);
        Path tmp = root.resolve(".tmp-" + target.getFileName());
        FileTrees.delete(tmp);
        Files.createDirectories(tmp);
        contents.writeTo(tmp);
        FileTrees.delete(target);
        AtomicFiles.moveAtomically(tmp, target);
        return target;
    }

    /** Complete checkpoints under {@code root}, oldest first. */
    static List<Path> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.exists(p.resolve(STATE)))
                    .sorted(Comparator.comparingLong(Checkpoint::step)).toList();
        }
    }

    static Optional<Path> latest(Path root) throws IOException {
        List<Path> all = list(root);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static long step(Path folder) {
        Matcher m = NAME.matcher(folder.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException(folder + " is not a checkpoint folder (step-NNNNNNNN)");
        return Long.parseLong(m.group(1));
    }

    /** Deletes temp folders left by a killed write, and all but the newest {@code keep} checkpoints. */
    static void prune(Path root, int keep) throws IOException {
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) FileTrees.delete(p);
        }
        List<Path> all = list(root);
        for (int i = 0; i < all.size() - keep; i++) FileTrees.delete(all.get(i));
    }

    static ObjectNode readState(Path folder) throws IOException {
        return InputFiles.readJsonObject(folder.resolve(STATE), "trainer state");
    }
}
