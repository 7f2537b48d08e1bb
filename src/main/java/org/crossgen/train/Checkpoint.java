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
 *       {@code adapter_config.json + adapter_model.safetensors} (LoRA, PEFT layout), written by rank 0;</li>
 *   <li>the optimizer state ({@link OptimizerFiles}): {@code optimizer.safetensors} from rank 0, or
 *       with ZeRO one {@code optimizer-RRRRR-of-WWWWW.safetensors} per rank;</li>
 *   <li>{@code trainer_state.json}: step, epoch, step in epoch, AdamW's step count, world size,
 *       data hash and the config. Data order and dropout need no saved RNG: both are re-derived
 *       from the seed (data order from {@code (seed, epoch)}, libtorch's generator reseeded from
 *       {@code (seed, step, micro-batch)}).</li>
 * </ul>
 * A checkpoint is written into {@code .tmp-step-NNNNNNNN} ({@link #begin}) and renamed when every
 * rank has written its part ({@link #commit}), so a folder named {@code step-*} is always whole; a
 * kill mid-write leaves only a temp folder, which the next start deletes.
 */
final class Checkpoint {
    static final String STATE = "trainer_state.json";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");

    private Checkpoint() {}

    static Path folder(Path root, long step) {
        return root.resolve(String.format("step-%08d", step));
    }

    /** The temp folder a checkpoint for {@code step} is written into. */
    static Path temp(Path root, long step) {
        return root.resolve(".tmp-" + folder(root, step).getFileName());
    }

    /** Creates an empty temp folder for {@code step} (deleting a half-written one) and returns it. */
    static Path begin(Path root, long step) throws IOException {
        Path tmp = temp(root, step);
        FileTrees.delete(tmp);
        Files.createDirectories(tmp);
        return tmp;
    }

    /** Renames the complete temp folder of {@code step} to its final name (replacing one at the same step). */
    static Path commit(Path root, long step) throws IOException {
        Path target = folder(root, step);
        FileTrees.delete(target);
        AtomicFiles.moveAtomically(temp(root, step), target);
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
