package org.crossgen.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;

/**
 * The optimizer state in a checkpoint folder, readable slice by slice whatever sharding and world
 * size wrote it, so a run resumes on another number of ranks by resharding:
 * <ul>
 *   <li>{@code optimizer.safetensors} (unsharded runs; written by rank 0; also the format of
 *       earlier crossgen versions): {@code exp_avg/<name>}, {@code exp_avg_sq/<name>} and, when the
 *       weights are narrower than float32, {@code master/<name>}, one tensor per trainable weight;</li>
 *   <li>{@code optimizer-RRRRR-of-WWWWW.safetensors} (ZeRO; one per rank): flat float32
 *       {@code exp_avg}, {@code exp_avg_sq} and {@code master} covering elements
 *       {@code [R*S, (R+1)*S)} of {@link FlatParameters}' layout, {@code S = ceil(numel / W)}.</li>
 * </ul>
 */
final class OptimizerFiles implements AutoCloseable {
    static final String SINGLE = "optimizer.safetensors";
    static final String EXP_AVG = "exp_avg", EXP_AVG_SQ = "exp_avg_sq", MASTER = "master";
    static final List<String> KINDS = List.of(EXP_AVG, EXP_AVG_SQ, MASTER);
    private static final Pattern SHARD = Pattern.compile("optimizer-(\\d{5})-of-(\\d{5})\\.safetensors");

    private final List<FlatParameters.Segment> segments;
    private final SafetensorsReader single;          // or
    private final List<SafetensorsReader> shards;    // in rank order
    private final long shardNumel;

    private OptimizerFiles(List<FlatParameters.Segment> segments, SafetensorsReader single, List<SafetensorsReader> shards, long shardNumel) {
        this.segments = segments;
        this.single = single;
        this.shards = shards;
        this.shardNumel = shardNumel;
    }

    /** The file rank {@code rank} of {@code world} writes. */
    static String shardFile(int rank, int world) {
        return String.format("optimizer-%05d-of-%05d.safetensors", rank, world);
    }

    /** Opens {@code dir}'s optimizer files for a run whose flat layout is {@code flat}; checks that they are complete. */
    static OptimizerFiles open(Path dir, FlatParameters flat) throws IOException {
        if (Files.exists(dir.resolve(SINGLE))) return new OptimizerFiles(flat.segments, SafetensorsReader.open(dir.resolve(SINGLE)), List.of(), 0);
        Map<Integer, Path> found = new TreeMap<>();
        int world = -1;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Matcher m = SHARD.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                int w = Integer.parseInt(m.group(2));
                if (world >= 0 && w != world) throw new IOException(dir + ": optimizer shards of two world sizes (" + world + " and " + w + ")");
                world = w;
                found.put(Integer.parseInt(m.group(1)), p);
            }
        }
        if (world < 0) throw new IOException(dir + ": no " + SINGLE + " and no optimizer-RRRRR-of-WWWWW.safetensors shards");
        List<SafetensorsReader> readers = new ArrayList<>();
        long shard = (flat.numel + world - 1) / world;
        for (int r = 0; r < world; r++) {
            Path p = found.get(r);
            if (p == null) throw new IOException(dir + ": optimizer shard " + shardFile(r, world) + " is missing (" + found.size() + " of " + world + " present)");
            SafetensorsReader reader = SafetensorsReader.open(p);
            readers.add(reader);
            var info = reader.infos().get(EXP_AVG);
            if (info == null || info.numel() != shard) {
                readers.forEach(SafetensorsReader::close);
                throw new IOException(p + ": tensor " + EXP_AVG + " should hold " + shard + " elements (" + flat.numel
                        + " trainable over " + world + " ranks), found " + (info == null ? "none" : info.numel()));
            }
        }
        return new OptimizerFiles(flat.segments, null, readers, shard);
    }

    /** True when the files hold {@code kind} ({@link #MASTER} exists only when the weights had a separate master). */
    boolean has(String kind) {
        if (single != null) return single.infos().containsKey(kind + "/" + segments.get(0).name());
        return shards.get(0).infos().containsKey(kind);
    }

    /**
     * Copies elements {@code [from, from + into.numel())} of the flat layout's {@code kind} into
     * {@code into}; positions past the real elements (padding) become 0.
     */
    void read(String kind, long from, Tensor into) throws IOException {
        long to = from + into.numel();
        try (NativeScope scope = NativeScope.open()) {
            into.zero_();
            if (single != null) {
                for (FlatParameters.Segment s : segments) {
                    long a = Math.max(from, s.offset()), b = Math.min(to, s.offset() + s.numel());
                    if (a >= b) continue;
                    String name = kind + "/" + s.name();
                    if (!single.infos().containsKey(name)) throw new IOException(single.file() + ": tensor " + name + " is missing");
                    copy(single, name, a - s.offset(), into, a - from, b - a);
                }
            } else {
                for (int r = 0; r < shards.size(); r++) {
                    long a = Math.max(from, r * shardNumel), b = Math.min(to, (r + 1) * shardNumel);
                    if (a < b) copy(shards.get(r), kind, a - r * shardNumel, into, a - from, b - a);
                }
            }
        }
    }

    private static void copy(SafetensorsReader reader, String name, long srcFrom, Tensor into, long dstFrom, long n) {
        Tensor src = reader.tensor(name);   // a view of the mapped file; only the copied slice is read
        try {
            into.narrow(0, dstFrom, n).copy_(src.reshape(-1).narrow(0, srcFrom, n));
        } finally {
            NativeScope.release(src);
        }
    }

    @Override
    public void close() {
        if (single != null) single.close();
        shards.forEach(SafetensorsReader::close);
    }
}
