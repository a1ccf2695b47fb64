"""Reference values for RaditKernels tests, computed with PyTorch in float64.

Writes Tests/Fixtures/kernels/reference.json with:
  adamw      5 steps of torch.optim.AdamW (two param groups: decayed matrix, undecayed
             vector) on a quadratic loss, with clip_grad_norm_ before each step and the
             learning rate from the cosine-with-warm-up formula of Schedule.swift;
             a frozen tensor is carried along and must never move.
  rope       HF transformers' rotate_half formula (= RopeLayout.halfSplit) and Meta
             Llama's complex-number formula (= RopeLayout.interleaved).
  attention  F.scaled_dot_product_attention with GQA (repeat_interleave of kv heads),
             causal + key-padding mask, and autograd gradients for L = sum(out * r).
  cross_entropy  F.cross_entropy(ignore_index=-100, reduction="mean") and its gradient.

Run: /work/venv/bin/python tools/reference/kernels_reference.py
"""
import json
import math
import pathlib

import numpy
import torch
import torch.nn.functional as F

SEED = 20261122
torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/Fixtures/kernels/reference.json"


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def cosine_lr(step, peak, minimum, warmup, total):
    # Same formula as LearningRateSchedule.cosine (1-based step).
    t = max(1, step)
    if t <= warmup:
        return peak * t / warmup
    if t > total:
        return minimum
    p = (t - warmup) / max(1, total - warmup)
    return minimum + (peak - minimum) * 0.5 * (1 + math.cos(math.pi * p))


def adamw_case():
    W = torch.randn(3, 4)
    b = torch.randn(4)
    frozen = torch.randn(2, 2)
    A_W, C_W = torch.rand(3, 4) * 2, torch.randn(3, 4)
    A_b, C_b = torch.rand(4) * 2, torch.randn(4)
    init = {"W": flat(W), "b": flat(b), "frozen": flat(frozen)}
    W, b = W.clone().requires_grad_(), b.clone().requires_grad_()
    cfg = dict(peak=0.1, minimum=0.01, warmup=2, total=5)
    betas, eps, wd, max_norm = (0.9, 0.95), 1e-8, 0.1, 0.5
    opt = torch.optim.AdamW([{"params": [W], "weight_decay": wd}, {"params": [b], "weight_decay": 0.0}],
                            lr=cfg["peak"], betas=betas, eps=eps)
    steps = []
    for step in range(1, 6):
        lr = cosine_lr(step, **cfg)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss = 0.5 * (A_W * (W - C_W) ** 2).sum() + 0.5 * (A_b * (b - C_b) ** 2).sum()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([W, b], max_norm)
        opt.step()
        steps.append({"step": step, "lr": lr, "grad_norm": float(norm), "W": flat(W), "b": flat(b)})
    return {"initial": init, "A_W": flat(A_W), "C_W": flat(C_W), "A_b": flat(A_b), "C_b": flat(C_b),
            "schedule": cfg, "beta1": betas[0], "beta2": betas[1], "eps": eps, "weight_decay": wd,
            "max_norm": max_norm, "steps": steps}


def rope_case():
    B, T, H, Dh, theta = 2, 3, 2, 8, 10000.0
    x = torch.randn(B, T, H, Dh)
    positions = torch.tensor([[0, 1, 2], [5, 9, 1000]])
    inv_freq = 1.0 / (theta ** (torch.arange(0, Dh, 2, dtype=torch.float64) / Dh))   # (Dh/2)
    freqs = positions[..., None].double() * inv_freq                                  # (B, T, Dh/2)
    # HF transformers (LlamaRotaryEmbedding + apply_rotary_pos_emb): rotate_half layout.
    emb = torch.cat([freqs, freqs], dim=-1)[:, :, None, :]                             # (B, T, 1, Dh)
    def rotate_half(v):
        return torch.cat([-v[..., Dh // 2:], v[..., :Dh // 2]], dim=-1)
    hf = x * emb.cos() + rotate_half(x) * emb.sin()
    # Meta Llama (reference model.py): pairs (2i, 2i+1) as complex numbers.
    xc = torch.view_as_complex(x.reshape(B, T, H, Dh // 2, 2))
    rot = torch.polar(torch.ones_like(freqs), freqs)[:, :, None, :]
    meta = torch.view_as_real(xc * rot).reshape(B, T, H, Dh)
    return {"B": B, "T": T, "H": H, "Dh": Dh, "theta": theta, "positions": positions.reshape(-1).tolist(),
            "x": flat(x), "half_split": flat(hf), "interleaved": flat(meta)}


def attention_case():
    B, T, H, Hkv, Dh = 2, 5, 4, 2, 3
    q = torch.randn(B, T, H, Dh, requires_grad=True)
    k = torch.randn(B, T, Hkv, Dh, requires_grad=True)
    v = torch.randn(B, T, Hkv, Dh, requires_grad=True)
    key_mask = torch.tensor([[1, 1, 1, 1, 0], [0, 0, 1, 1, 1]], dtype=torch.bool)   # right- and left-padded
    r = torch.randn(B, T, H, Dh)
    rep = H // Hkv
    kk = k.repeat_interleave(rep, dim=2).transpose(1, 2)        # (B, H, T, Dh), HF repeat_kv order
    vv = v.repeat_interleave(rep, dim=2).transpose(1, 2)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    allowed = causal[None, None] & key_mask[:, None, None, :]   # (B, 1, T, T)
    scores = q.transpose(1, 2) @ kk.transpose(-1, -2) / math.sqrt(Dh)
    scores = scores.masked_fill(~allowed, float("-inf"))
    probs = torch.softmax(scores, dim=-1).nan_to_num(0.0)        # fully masked rows -> 0
    out = (probs @ vv).transpose(1, 2)                          # (B, T, H, Dh)
    # Cross-check against SDPA on rows that see at least one key.
    sdpa = F.scaled_dot_product_attention(q.transpose(1, 2), kk, vv, attn_mask=allowed).transpose(1, 2)
    seen = allowed.any(-1)[:, 0, :]                             # (B, T)
    assert torch.allclose(out[seen], sdpa[seen], atol=1e-12)
    (out * r).sum().backward()
    return {"B": B, "T": T, "H": H, "Hkv": Hkv, "Dh": Dh, "key_mask": key_mask.int().reshape(-1).tolist(),
            "q": flat(q), "k": flat(k), "v": flat(v), "r": flat(r), "out": flat(out),
            "dq": flat(q.grad), "dk": flat(k.grad), "dv": flat(v.grad)}


def cross_entropy_case():
    N, V = 6, 11
    logits = torch.randn(N, V, requires_grad=True) * 3
    logits.retain_grad()
    targets = torch.tensor([3, -100, 0, 10, -100, 7])
    loss = F.cross_entropy(logits, targets, ignore_index=-100, reduction="mean")
    loss.backward()
    return {"N": N, "V": V, "logits": flat(logits), "targets": targets.tolist(), "loss": float(loss.detach()),
            "dlogits": flat(logits.grad)}


data = {
    "generator": "tools/reference/kernels_reference.py",
    "seed": SEED,
    "versions": {"torch": torch.__version__, "numpy": numpy.__version__},
    "adamw": adamw_case(),
    "rope": rope_case(),
    "attention": attention_case(),
    "cross_entropy": cross_entropy_case(),
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(data, indent=1) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
