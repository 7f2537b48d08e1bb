package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.rms_norm;
import static org.bytedeco.pytorch.global.torch.silu;

import java.util.List;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/** One pre-norm transformer block: {@code x += attn(norm(x)); x += mlp(norm(x))}. */
final class DecoderLayer implements AutoCloseable {
    final int index;
    final Tensor inputNorm, postAttentionNorm;    // (C)
    final Linear q, k, v, o, gate, up, down;
    private final LlamaConfig c;
    private final FusedProjections qkv, gateUp;

    DecoderLayer(int index, LlamaConfig c, Tensor inputNorm, Tensor postAttentionNorm,
                 Linear q, Linear k, Linear v, Linear o, Linear gate, Linear up, Linear down) {
        this.index = index;
        this.c = c;
        this.inputNorm = inputNorm;
        this.postAttentionNorm = postAttentionNorm;
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.qkv = new FusedProjections(q, k, v);
        this.gateUp = new FusedProjections(gate, up);
    }

    List<Linear> linears() {
        return List.of(q, k, v, o, gate, up, down);
    }

    /**
     * @param x    (B, T, C)
     * @param mask (B, 1, T, S) boolean, true = may attend; null = plain causal (no padding on the left)
     */
    Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache cache) {
        Tensor h = x.add(attention(norm(x, inputNorm), cos, sin, mask, cache));
        return h.add(mlp(norm(h, postAttentionNorm)));
    }

    private Tensor norm(Tensor x, Tensor weight) {
        return rms_norm(x, new long[] {x.size(2)}, new TensorOptional(weight), new DoubleOptional(c.rmsNormEps()));
    }

    private Tensor attention(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache cache) {
        long b = x.size(0), t = x.size(1);
        int h = c.numHeads(), kvh = c.numKvHeads(), d = c.headDim();
        Tensor[] qkvOut = qkv.forward(x);                                                      // (B, T, out) each
        Tensor qh = RotaryEmbedding.apply(qkvOut[0].reshape(b, t, h, d).transpose(1, 2), cos, sin);    // (B, H, T, D)
        Tensor kh = RotaryEmbedding.apply(qkvOut[1].reshape(b, t, kvh, d).transpose(1, 2), cos, sin);  // (B, KVH, T, D)
        Tensor vh = qkvOut[2].reshape(b, t, kvh, d).transpose(1, 2);                                    // (B, KVH, T, D)
        boolean firstChunk = cache == null || cache.length() == 0;
        if (cache != null) {
            Tensor[] kv = cache.append(index, kh, vh);                                                 // (B, KVH, S, D)
            kh = kv[0];
            vh = kv[1];
        }
        Tensor att = t == 1 ? attendOne(qh, kh, vh, mask) : attendMany(qh, kh, vh, mask, firstChunk);   // (B, H, T, D)
        return o.forward(att.transpose(1, 2).reshape(b, t, (long) h * d));                            // (B, T, C)
    }

    /** Queries of several positions: keys and values repeated per query head. */
    private Tensor attendMany(Tensor qh, Tensor kh, Tensor vh, Tensor mask, boolean firstChunk) {
        // Without a mask, is_causal (top-left aligned) is right only when queries and keys start together.
        boolean causal = mask == null;
        if (causal && !firstChunk) throw new IllegalArgumentException("multi-token forward on a non-empty KV cache needs a mask");
        return Attention.apply(qh, repeatKv(kh), repeatKv(vh), mask, causal);
    }

    /**
     * One query position (a decode step). The query heads that share a key/value head become that
     * head's rows, so the cache is read where it lies: repeating it would copy every cached key and
     * value of every layer at every step. The mask {@code (B, 1, 1, S)} broadcasts over those rows.
     */
    private Tensor attendOne(Tensor qh, Tensor kh, Tensor vh, Tensor mask) {               // qh (B, H, 1, D)
        long b = qh.size(0), d = qh.size(3);
        Tensor grouped = qh.reshape(b, c.numKvHeads(), c.kvGroups(), d);                  // (B, KVH, G, D)
        return Attention.apply(grouped, kh, vh, mask, false).reshape(b, c.numHeads(), 1, d);
    }

    /** Grouped-query attention: each key/value head serves {@code H / KVH} query heads. */
    private Tensor repeatKv(Tensor x) {                                                               // (B, KVH, S, D)
        int groups = c.kvGroups();
        if (groups == 1) return x;
        long b = x.size(0), s = x.size(2), d = x.size(3);
        return x.unsqueeze(2).expand(b, c.numKvHeads(), groups, s, d).reshape(b, c.numHeads(), s, d);
    }

    private Tensor mlp(Tensor x) {                                                                     // (B, T, C)
        Tensor[] gateUpOut = gateUp.forward(x);
        return down.forward(silu(gateUpOut[0]).mul(gateUpOut[1]));                                     // SwiGLU
    }

    @Override
    public void close() {
        qkv.close();
        gateUp.close();
    }
}
