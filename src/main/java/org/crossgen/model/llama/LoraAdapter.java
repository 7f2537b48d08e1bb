package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.zeros;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.InputFiles;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.tensor.SafetensorsWriter;
import org.crossgen.tensor.Torch;

/**
 * A LoRA adapter attached to a {@link LlamaModel}: for every targeted linear layer
 * {@code y = x W^T + (alpha / r) * B(A(dropout(x)))} with {@code A: (r, in)}, {@code B: (out, r)}.
 * A starts as PEFT's {@code kaiming_uniform_(a=sqrt(5))}, i.e. uniform in {@code ±1/sqrt(in)};
 * B starts at zero, so a fresh adapter leaves the model's outputs unchanged.
 *
 * <p>On disk it is PEFT's layout, readable by {@code PeftModel.from_pretrained}:
 * {@code adapter_config.json} and {@code adapter_model.safetensors} with tensors named
 * {@code base_model.model.<linear name>.lora_A.weight} / {@code .lora_B.weight}.
 *
 * <p>The adapter owns its tensors; {@link #close} detaches it and frees them.
 */
public final class LoraAdapter implements AutoCloseable {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlamaModel model;
    private final LoraConfig config;
    private final Map<Linear, LoraWeights> layers; // in model order
    private boolean attached = true;

    private LoraAdapter(LlamaModel model, LoraConfig config, Map<Linear, LoraWeights> layers) {
        this.model = model;
        this.config = config;
        this.layers = layers;
        for (Map.Entry<Linear, LoraWeights> e : layers.entrySet()) {
            if (e.getKey().lora != null) throw new IllegalStateException(e.getKey().name + " already has a LoRA adapter attached");
        }
        for (Map.Entry<Linear, LoraWeights> e : layers.entrySet()) {
            e.getKey().lora = e.getValue();
            e.getValue().training = model.isTraining();
        }
    }

    /**
     * Attaches a freshly initialised adapter (A from libtorch's generator seeded with {@code seed},
     * B zero) in the model's dtype and device. The model's own weights are not touched; callers
     * that train freeze them ({@link LlamaModel#prepareForTraining}{@code (false)}).
     */
    public static LoraAdapter attach(LlamaModel model, LoraConfig config, long seed) {
        Torch.seed(seed);
        Map<Linear, LoraWeights> layers = new LinkedHashMap<>();
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            for (Linear l : targets(model, config)) {
                long in = l.inFeatures(), out = l.outFeatures();
                double bound = 1.0 / Math.sqrt(in);   // kaiming_uniform_(a=sqrt(5)): gain*sqrt(3/in), gain = sqrt(2/(1+5))
                Tensor a = empty(config.r(), in).uniform_(-bound, bound, new GeneratorOptional());
                Tensor b = zeros(out, config.r());
                layers.put(l, weights(model, config, a, b, scope));
            }
        }
        return new LoraAdapter(model, config, layers);
    }

    /** Reads a PEFT LoRA adapter folder and attaches it to {@code model}, checking names and shapes. */
    public static LoraAdapter load(LlamaModel model, Path dir) throws IOException {
        LoraConfig config = readConfig(dir);
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no " + WEIGHTS_FILE + " in the adapter folder");
        Map<Linear, LoraWeights> layers = new LinkedHashMap<>();
        List<Tensor> views = new ArrayList<>();
        try (SafetensorsReader reader = SafetensorsReader.open(file); NativeScope scope = NativeScope.open()) {
            List<String> expected = new ArrayList<>();
            for (Linear l : targets(model, config)) {
                String an = PREFIX + l.name + ".lora_A.weight", bn = PREFIX + l.name + ".lora_B.weight";
                expected.add(an);
                expected.add(bn);
                for (String n : List.of(an, bn)) {
                    if (!reader.infos().containsKey(n)) throw new IOException(file + ": tensor " + n + " is missing");
                }
                Tensor a = reader.tensor(an), b = reader.tensor(bn);   // caller-owned views of the mapped file
                views.add(a);
                views.add(b);
                checkShape(file, an, a, new long[] {config.r(), l.inFeatures()});
                checkShape(file, bn, b, new long[] {l.outFeatures(), config.r()});
                layers.put(l, weights(model, config, a, b, scope));
            }
            List<String> extra = new ArrayList<>(reader.infos().keySet());
            extra.removeAll(expected);
            if (!extra.isEmpty()) {
                layers.values().forEach(w -> { NativeScope.release(w.a); NativeScope.release(w.b); });
                throw new IOException(file + ": " + extra.size() + " tensors do not belong to a LoRA adapter on target_modules "
                        + config.targetModules() + ", e.g. " + extra.get(0));
            }
        } finally {
            views.forEach(NativeScope::release);
        }
        return new LoraAdapter(model, config, layers);
    }

    /** Reads and checks {@code adapter_config.json}. */
    public static LoraConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no " + CONFIG_FILE + " in the adapter folder");
        JsonNode j = InputFiles.readJsonObject(file, "adapter config");
        String type = j.path("peft_type").asText("");
        if (!type.equals("LORA")) throw new IOException(file + ": peft_type must be \"LORA\", got \"" + type + "\"");
        if (j.path("fan_in_fan_out").asBoolean(false)) throw new IOException(file + ": fan_in_fan_out true is not supported (Llama linears are (out, in))");
        if (!j.path("bias").asText("none").equals("none")) throw new IOException(file + ": bias \"" + j.path("bias").asText() + "\" is not supported, only \"none\"");
        refuseVariants(file, j);
        List<String> targets = new ArrayList<>();
        JsonNode t = j.path("target_modules");
        if (t.isArray()) t.forEach(n -> targets.add(n.asText()));
        else if (t.isTextual()) targets.add(t.asText());
        else throw new IOException(file + ": target_modules must be a list of module names, got " + t);
        try {
            return new LoraConfig(j.path("r").asInt(8), j.path("lora_alpha").asDouble(8), j.path("lora_dropout").asDouble(0), targets,
                    j.path("use_rslora").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * PEFT options that change the adapter's function and that crossgen does not compute: DoRA's
     * magnitude vectors, per-module alpha or rank, adapters on a subset of layers. Loading them as
     * plain LoRA would run with the wrong scaling and no error, so each is refused by name
     * (an empty pattern or a null/false value is plain LoRA and accepted).
     */
    private static void refuseVariants(Path file, JsonNode j) throws IOException {
        if (j.path("use_dora").asBoolean(false)) throw new IOException(file + ": use_dora true (DoRA) is not supported; crossgen applies plain LoRA");
        for (String field : List.of("alpha_pattern", "rank_pattern")) {
            JsonNode p = j.get(field);
            if (p != null && !p.isNull() && !(p.isObject() && p.isEmpty())) {
                throw new IOException(file + ": " + field + " " + p + " is not supported; crossgen applies one r and lora_alpha to every module");
            }
        }
        JsonNode layers = j.get("layers_to_transform");
        if (layers != null && !layers.isNull()) {
            throw new IOException(file + ": layers_to_transform " + layers + " is not supported; crossgen adapts every layer");
        }
    }

    /**
     * Writes the adapter in PEFT's layout (each file atomic).
     *
     * @param baseModelNameOrPath recorded as {@code base_model_name_or_path} (a hub id or folder)
     */
    public void save(Path dir, String baseModelNameOrPath) throws IOException {
        checkAttached();
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), tensors());
        ObjectNode j = JSON.createObjectNode();
        j.put("peft_type", "LORA");
        j.put("task_type", "CAUSAL_LM");
        j.put("r", config.r());
        j.put("lora_alpha", config.alpha());
        j.put("lora_dropout", config.dropout());
        var targets = j.putArray("target_modules");
        config.targetModules().forEach(targets::add);
        j.put("bias", "none");
        j.put("base_model_name_or_path", baseModelNameOrPath);
        j.put("fan_in_fan_out", false);
        j.put("use_rslora", config.rslora());
        j.put("use_dora", false);
        j.put("inference_mode", true);
        j.put("init_lora_weights", true);
        j.putNull("modules_to_save");
        j.putNull("revision");
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n");
    }

    /**
     * The live adapter tensors under their PEFT names, A before B per layer, in model order. They
     * belong to the adapter (valid until it is closed or merged); callers never release them.
     */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<Linear, LoraWeights> e : layers.entrySet()) {
            out.put(PREFIX + e.getKey().name + ".lora_A.weight", e.getValue().a);
            out.put(PREFIX + e.getKey().name + ".lora_B.weight", e.getValue().b);
        }
        return out;
    }

    /** Sets {@code requires_grad} on every adapter tensor. */
    public void trainable(boolean on) {
        for (LoraWeights w : layers.values()) {
            w.a.requires_grad_(on);
            w.b.requires_grad_(on);
        }
    }

    /**
     * Folds the adapter into the base weights, {@code W += (alpha / r) * B @ A}, and detaches it:
     * the model then computes the same function without the adapter, and saves as a plain
     * checkpoint with {@link LlamaModel#save}.
     */
    public void merge() {
        checkAttached();
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<Linear, LoraWeights> e : layers.entrySet()) {
                LoraWeights w = e.getValue();
                // in float64, rounded once into W's dtype: the merged weight is the nearest to W + scale B A
                Tensor weight = e.getKey().weight;
                Tensor delta = w.b.to(ScalarType.Double).matmul(w.a.to(ScalarType.Double)).mul(new Scalar(w.scale)); // (out, in)
                weight.copy_(weight.to(ScalarType.Double).add(delta));
            }
        }
        detach();
    }

    /** Removes the adapter from the model (the model computes its base function again). */
    public void detach() {
        if (!attached) return;
        for (Linear l : layers.keySet()) l.lora = null;
        attached = false;
    }

    public LoraConfig config() {
        return config;
    }

    public LlamaModel model() {
        return model;
    }

    public long parameterCount() {
        return layers.values().stream().mapToLong(w -> w.a.numel() + w.b.numel()).sum();
    }

    @Override
    public void close() {
        detach();
        for (LoraWeights w : layers.values()) {
            NativeScope.release(w.a);
            NativeScope.release(w.b);
        }
        layers.clear();
    }

    private void checkAttached() {
        if (!attached) throw new IllegalStateException("the LoRA adapter was detached or merged");
    }

    private static List<Linear> targets(LlamaModel model, LoraConfig config) {
        List<Linear> out = new ArrayList<>();
        for (Linear l : model.linears()) {
            if (config.targetModules().contains(l.name.substring(l.name.lastIndexOf('.') + 1))) out.add(l);
        }
        return out;
    }

    /** Owned, contiguous copies of {@code a} and {@code b} in the model's dtype and device. */
    private static LoraWeights weights(LlamaModel model, LoraConfig config, Tensor a, Tensor b, NativeScope scope) {
        Tensor ao = scope.keep(a.to(model.device().device(), model.dtype().scalarType).clone());
        Tensor bo = scope.keep(b.to(model.device().device(), model.dtype().scalarType).clone());
        return new LoraWeights(ao, bo, config.scale(), config.dropout());
    }

    private static void checkShape(Path file, String name, Tensor t, long[] want) throws IOException {
        if (!Arrays.equals(t.shape(), want)) {
            throw new IOException(file + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + ", the model and adapter_config.json imply " + Arrays.toString(want));
        }
    }
}
