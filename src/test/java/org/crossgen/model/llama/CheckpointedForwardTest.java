package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.bytedeco.pytorch.global.torch.randint;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.DefaultModel;
import org.crossgen.tensor.Autocast;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Activation checkpointing computes the same gradients as a plain backward, on the built-in
 * model (4.8M parameters, 4 layers, tied embeddings): full fine-tuning in float32 and under bf16
 * autocast, and LoRA with dropout (the recomputation must draw the same dropout masks).
 */
class CheckpointedForwardTest {
    @ParameterizedTest
    @ValueSource(strings = {"full", "full-bf16-autocast", "lora-dropout"})
    void gradientsEqualAPlainBackward(String mode) throws Exception {
        DType autocast = mode.endsWith("bf16-autocast") ? DType.BFLOAT16 : null;
        try (LlamaModel model = LlamaModel.load(DefaultModel.path(), DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open()) {
            LoraAdapter adapter = null;
            Map<String, Tensor> trainable;
            if (mode.startsWith("lora")) {
                model.prepareForTraining(false);
                adapter = LoraAdapter.attach(model, new LoraConfig(8, 16, 0.1, List.of("q_proj", "v_proj", "down_proj")), 3);
                try (var ng = new org.bytedeco.pytorch.NoGradGuard()) {   // B starts at 0, which gives A no gradient
                    for (var e : adapter.tensors().entrySet()) if (e.getKey().contains("lora_B")) e.getValue().normal_(0, 0.02, new org.bytedeco.pytorch.GeneratorOptional());
                }
                adapter.trainable(true);
                trainable = adapter.tensors();
            } else {
                model.prepareForTraining(true);
                trainable = model.namedWeights();
            }
            model.train(true);
            Torch.seed(11);
            long vocab = model.config().vocabSize();
            Tensor ids = randint(vocab, new long[] {2, 48});                    // (B, T)
            Tensor targets = randint(vocab, new long[] {2 * 48});               // (B*T)
            Tensor positions = Tensors.positions(2, 48);

            Torch.seed(5);
            Tensor h;
            try (Autocast ac = Autocast.open(autocast, model.device())) {
                h = model.hidden(ids, positions, null, null);
            }
            loss(model, h, targets, autocast).backward();
            Map<String, float[]> plain = gradients(trainable);

            Torch.seed(5);
            try (CheckpointedForward f = new CheckpointedForward(model, autocast)) {
                loss(model, f.hidden(ids, positions), targets, autocast).backward();
                f.backward();
            }
            Map<String, float[]> checkpointed = gradients(trainable);

            double worst = 0;
            String where = "";
            for (String name : plain.keySet()) {
                float[] a = plain.get(name), b = checkpointed.get(name);
                double scale = 0, diff = 0;
                for (int i = 0; i < a.length; i++) {
                    scale = Math.max(scale, Math.abs(a[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                assertTrue(scale > 0, name + " got no gradient");
                if (diff / scale >= worst) {
                    worst = diff / scale;
                    where = name;
                }
            }
            System.out.printf("activation checkpointing vs plain backward (%s): %d tensors, worst max|dg|/max|g| = %.2e (%s)%n",
                    mode, plain.size(), worst, where);
            assertTrue(worst <= 1e-6, mode + ": gradients differ by " + worst + " relative (tolerance 1e-6) in " + where);
            if (adapter != null) adapter.close();
        }
    }

    private static Tensor loss(LlamaModel model, Tensor h, Tensor targets, DType autocast) {
        Tensor logits;
        try (Autocast ac = Autocast.open(autocast, model.device())) {
            logits = model.logits(h.reshape(-1, h.size(2)));                   // (B*T, V)
        }
        return cross_entropy(logits.to(org.bytedeco.pytorch.global.torch.ScalarType.Float), targets);
    }

    /** Copies and then zeroes each tensor's gradient. */
    private static Map<String, float[]> gradients(Map<String, Tensor> tensors) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor g = e.getValue().grad();
            out.put(e.getKey(), Tensors.toFloats(g));
            g.zero_();
        }
        return out;
    }
}
