# Provenance: copied from the engine notes' PyTorch reference (engine-notes/pytorch-reference/ref_llama.py,
# the baseline of the JavaCPP engine decision) for `crossgen bench engine`. One change: each timed step also
# records forward+loss+backward time, and the RESULT line reports it as fwd_bwd_tokens_per_s (the figure the
# bench compares with its own forward+backward; optimizer and clipping excluded on both sides).
"""Reference: same LLaMA-style model/step in PyTorch-from-Python (Debian python3-torch 1.13.1).
Usage: /usr/bin/python3 ref_llama.py MODE   (MODE: train | lora | bf16 | bf16lora | gen)
torch 1.13 has no F.scaled_dot_product_attention / RMSNorm -> explicit matmul+mask+softmax, manual RMSNorm
(same formulation as the DJL prototype)."""
import math, os, resource, statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

T0 = time.time()
MODE = sys.argv[1] if len(sys.argv) > 1 else "train"
STEPS, WARM = int(os.environ.get("STEPS", 5)), int(os.environ.get("WARMUP", 2))
B, T = int(os.environ.get("BATCH", 4)), int(os.environ.get("SEQ", 256))
torch.set_num_threads(int(os.environ.get("THREADS", 2)))
V, D, L, H, FF, MAXS = 32000, 512, 8, 8, 1376, 512
HD = D // H


def rss(key):
    for l in open("/proc/self/status"):
        if l.startswith(key + ":"):
            return int(l.split()[1]) // 1024


class Lin(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(o, i) * 0.02)
        self.lora_A = self.lora_B = None

    def add_lora(self, r, alpha):
        self.lora_A = nn.Parameter(torch.randn(r, self.weight.shape[1]) * 0.02)
        self.lora_B = nn.Parameter(torch.zeros(self.weight.shape[0], r))
        self.scale = alpha / r

    def forward(self, x):
        y = F.linear(x, self.weight)
        if self.lora_A is not None:
            y = y + F.linear(F.linear(x, self.lora_A), self.lora_B) * self.scale
        return y


def rms(x, w, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * w


def rotate(x, cos, sin):
    x1, x2 = x.chunk(2, -1)
    return x * cos + torch.cat((-x2, x1), -1) * sin


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1 = nn.Parameter(torch.ones(D))
        self.q, self.k, self.v, self.o = Lin(D, D), Lin(D, D), Lin(D, D), Lin(D, D)
        self.n2 = nn.Parameter(torch.ones(D))
        self.gate, self.up, self.down = Lin(D, FF), Lin(D, FF), Lin(FF, D)

    def forward(self, x, cos, sin, mask, cache=None):
        b, t, _ = x.shape
        h = rms(x, self.n1)
        q = rotate(self.q(h).view(b, t, H, HD).transpose(1, 2), cos, sin)
        k = rotate(self.k(h).view(b, t, H, HD).transpose(1, 2), cos, sin)
        v = self.v(h).view(b, t, H, HD).transpose(1, 2)
        if cache is not None:
            if cache:
                k = torch.cat([cache[0], k], 2)
                v = torch.cat([cache[1], v], 2)
            cache[:] = [k, v]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(HD)
        if mask is not None:
            att = att + mask
        att = att.softmax(-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, D))
        h = rms(x, self.n2)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Parameter(torch.randn(V, D) * 0.02)
        self.layers = nn.ModuleList([Layer() for _ in range(L)])
        self.norm = nn.Parameter(torch.ones(D))
        self.lm_head = Lin(D, V)
        inv = 1.0 / (10000 ** (torch.arange(0, HD, 2).float() / HD))
        f = torch.outer(torch.arange(MAXS).float(), inv)
        emb = torch.cat([f, f], -1)
        self.register_buffer("cos", emb.cos())
        self.register_buffer("sin", emb.sin())
        self.register_buffer("mask", torch.full((MAXS, MAXS), float("-inf")).triu(1))

    def forward(self, ids, pos0=0, caches=None):
        t = ids.shape[1]
        x = F.embedding(ids, self.embed)
        cos, sin = self.cos[pos0:pos0 + t], self.sin[pos0:pos0 + t]
        total = pos0 + t
        mask = self.mask[pos0:pos0 + t, :total] if t > 1 else None
        for i, l in enumerate(self.layers):
            x = l(x, cos, sin, mask, None if caches is None else caches[i])
        return self.lm_head(rms(x, self.norm)).float()


def batch(b, t, seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, V, (b, t), generator=g)
    labels = ids[:, 1:].clone()
    plen = [64, 32, 100, 1]
    for i in range(b):
        labels[i, : max(plen[i % 4] - 1, 0)] = -100  # target j+1 < promptLen ignored
    return ids, labels


torch.manual_seed(1234)
t_init = time.time()
m = Model()
print(f"[{time.time()-T0:6.2f}s] torch {torch.__version__} threads={torch.get_num_threads()} params={sum(p.numel() for p in m.parameters()):,} RSS={rss('VmRSS')}MB")

if MODE in ("train", "lora", "bf16", "bf16lora"):
    if "lora" in MODE:
        for p in m.parameters():
            p.requires_grad_(False)
        for l in m.layers:
            for lin in (l.q, l.k, l.v, l.o, l.gate, l.up, l.down):
                lin.add_lora(8, 16)
    params = [p for p in m.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    nodecay = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": 0.1}] + ([{"params": nodecay, "weight_decay": 0.0}] if nodecay else [])
    opt = torch.optim.AdamW(groups, lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    print(f"mode={MODE} trainable={sum(p.numel() for p in params):,}")
    ids, labels = batch(B, T, 42)
    times, fwd_bwd = [], []
    for i in range(WARM + STEPS):
        s = time.time()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=MODE.startswith("bf16")):
            logits = m(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, V).float(), labels.reshape(-1), ignore_index=-100)
        lv = loss.item(); t1 = time.time()
        loss.backward(); t2 = time.time()
        norm = torch.nn.utils.clip_grad_norm_(params, 1.0); t3 = time.time()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if os.environ.get("PROFILE"):
            print(f"  profile fwd+loss {t1-s:.3f}s bwd {t2-t1:.3f}s clip {t3-t2:.3f}s adamw {time.time()-t3:.3f}s")
        dt = time.time() - s
        if i >= WARM:
            times.append(dt)
            fwd_bwd.append(t2 - s)
        print(f"[{time.time()-T0:6.2f}s] step {i} loss={loss.item():.4f} gradnorm={norm.item():.4f} time={dt:.3f}s RSS={rss('VmRSS')}MB")
    print(f"RESULT python {MODE} median_step_s={statistics.median(times):.3f} peak_rss_mb={rss('VmHWM')} "
          f"fwd_bwd_tokens_per_s={B * T / statistics.median(fwd_bwd):.1f}")
elif MODE == "gen":
    P, N = 32, 64
    ids, _ = batch(1, P, 7)
    with torch.no_grad():
        caches = [[] for _ in range(L)]
        s = time.time()
        nxt = m(ids, 0, caches)[:, -1].argmax(-1, keepdim=True)
        pre = time.time() - s
        s = time.time()
        for i in range(N):
            nxt = m(nxt, P + i, caches)[:, -1].argmax(-1, keepdim=True)
        dec = time.time() - s
    print(f"KV-cache greedy: prefill {pre:.3f}s, {N} decode steps {dec:.3f}s => {N/dec:.1f} tok/s")
    print(f"RESULT python gen peak_rss_mb={rss('VmHWM')}")
print(f"total wall {time.time()-T0:.2f}s")
