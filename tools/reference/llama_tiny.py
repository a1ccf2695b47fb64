#!/usr/bin/env python3
"""Reference for RaditModels' Llama forward/backward/AdamW on a tiny config (issue 6).

A minimal Llama in PyTorch float64 (HF layout: half-split RoPE, weights [out, in], names as
in HF checkpoints): L=2, C=32, H=4, Hkv=2, F=64, V=64, untied head. Weights are drawn from
numpy's PCG64 (seed below) and written to the fixture, so the Swift test loads them
instead of re-drawing.

Batch: B=2 sequences, T=8, right-padded (sequence 1 has 6 real tokens). Loss: mean
cross-entropy over answer tokens only (labels at positions whose *target* token belongs
to the answer; prompt and padding masked).

Fixture (Tests/Fixtures/llama/tiny_reference.json):
  config, params {name: flat values}, tokens, lengths, loss_mask (B, T) over positions
  predicting token t+1, logits (B, T, V) flat, loss, grads {name: flat},
  adamw {lr, beta1, beta2, eps, weight_decay (matrices only), clip}, trajectory (10 losses,
  each measured before its step).
"""
import json
import os

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests/Fixtures/llama/tiny_reference.json")
SEED = 20261122
CFG = dict(L=2, C=32, H=4, Hkv=2, F=64, V=64, theta=10000.0, eps=1e-5, tied=False)
ADAMW = dict(lr=1e-2, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, clip=1.0, steps=10)

torch.set_default_dtype(torch.float64)


def param_shapes(c):
    C, F, V, Dh = c["C"], c["F"], c["V"], c["C"] // c["H"]
    kv = c["Hkv"] * Dh
    s = {"model.embed_tokens.weight": (V, C)}
    for l in range(c["L"]):
        p = f"model.layers.{l}."
        s[p + "input_layernorm.weight"] = (C,)
        s[p + "self_attn.q_proj.weight"] = (C, C)
        s[p + "self_attn.k_proj.weight"] = (kv, C)
        s[p + "self_attn.v_proj.weight"] = (kv, C)
        s[p + "self_attn.o_proj.weight"] = (C, C)
        s[p + "post_attention_layernorm.weight"] = (C,)
        s[p + "mlp.gate_proj.weight"] = (F, C)
        s[p + "mlp.up_proj.weight"] = (F, C)
        s[p + "mlp.down_proj.weight"] = (C, F)
    s["model.norm.weight"] = (C,)
    if not c["tied"]:
        s["lm_head.weight"] = (V, C)
    return s


def rms(x, g, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * g


def rope_half(x, pos, theta):
    # x: (B, H, T, Dh); rotate (i, i + Dh/2) by pos * theta^(-2i/Dh) (HF rotate_half).
    Dh = x.shape[-1]
    inv = theta ** (-torch.arange(0, Dh, 2, dtype=torch.float64) / Dh)
    ang = pos[:, None, :, None] * inv                        # (B, 1, T, Dh/2)
    c, s = torch.cos(ang), torch.sin(ang)
    x0, x1 = x[..., : Dh // 2], x[..., Dh // 2:]
    return torch.cat([x0 * c - x1 * s, x0 * s + x1 * c], -1)


def forward(c, P, tokens, lengths):
    B, T = tokens.shape
    C, H, Hkv = c["C"], c["H"], c["Hkv"]
    Dh = C // H
    pos = torch.arange(T, dtype=torch.float64)[None, :].expand(B, T)
    valid = torch.arange(T)[None, :] < lengths[:, None]      # (B, T) real tokens
    allow = torch.tril(torch.ones(T, T, dtype=torch.bool))[None] & valid[:, None, :]
    x = P["model.embed_tokens.weight"][tokens]
    for l in range(c["L"]):
        p = f"model.layers.{l}."
        h = rms(x, P[p + "input_layernorm.weight"], c["eps"])
        q = (h @ P[p + "self_attn.q_proj.weight"].T).view(B, T, H, Dh).transpose(1, 2)
        k = (h @ P[p + "self_attn.k_proj.weight"].T).view(B, T, Hkv, Dh).transpose(1, 2)
        v = (h @ P[p + "self_attn.v_proj.weight"].T).view(B, T, Hkv, Dh).transpose(1, 2)
        q, k = rope_half(q, pos, c["theta"]), rope_half(k, pos, c["theta"])
        k = k.repeat_interleave(H // Hkv, dim=1)
        v = v.repeat_interleave(H // Hkv, dim=1)
        att = (q @ k.transpose(-1, -2)) / Dh ** 0.5
        att = att.masked_fill(~allow[:, None], float("-inf")).softmax(-1)
        o = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + o @ P[p + "self_attn.o_proj.weight"].T
        h = rms(x, P[p + "post_attention_layernorm.weight"], c["eps"])
        g = h @ P[p + "mlp.gate_proj.weight"].T
        u = h @ P[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ P[p + "mlp.down_proj.weight"].T
    x = rms(x, P["model.norm.weight"], c["eps"])
    head = P["lm_head.weight"] if "lm_head.weight" in P else P["model.embed_tokens.weight"]
    return x @ head.T


def loss_fn(logits, tokens, mask):
    # position t predicts token t+1; mask (B, T) marks positions that count.
    B, T, V = logits.shape
    lp = logits[:, :-1].log_softmax(-1)
    tgt = tokens[:, 1:]
    nll = -lp.gather(-1, tgt[..., None])[..., 0]
    m = mask[:, :-1]
    return (nll * m).sum() / m.sum()


def main():
    rng = np.random.Generator(np.random.PCG64(SEED))
    shapes = param_shapes(CFG)
    init = {}
    for n, s in shapes.items():
        if len(s) == 1:
            init[n] = 1.0 + 0.1 * rng.standard_normal(s)
        else:
            init[n] = 0.3 * rng.standard_normal(s)
    tokens = torch.tensor(rng.integers(0, CFG["V"], size=(2, 8)))
    lengths = torch.tensor([8, 6])
    tokens[1, 6:] = 0                                       # padding id (ignored)
    # answer tokens: seq 0 tokens 5..7, seq 1 tokens 3..5 -> positions predicting them.
    mask = torch.zeros(2, 8)
    mask[0, 4:7] = 1
    mask[1, 2:5] = 1

    P = {n: torch.tensor(v, requires_grad=True) for n, v in init.items()}
    logits = forward(CFG, P, tokens, lengths)
    loss = loss_fn(logits, tokens, mask)
    loss.backward()
    grads = {n: p.grad.detach().numpy().ravel().tolist() for n, p in P.items()}

    # 10 AdamW steps (torch.optim.AdamW: decoupled decay), decay on matrices only.
    Q = {n: torch.tensor(v, requires_grad=True) for n, v in init.items()}
    decay = [p for n, p in Q.items() if p.dim() >= 2]
    nodecay = [p for n, p in Q.items() if p.dim() < 2]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=ADAMW["weight_decay"]),
                             dict(params=nodecay, weight_decay=0.0)],
                            lr=ADAMW["lr"], betas=(ADAMW["beta1"], ADAMW["beta2"]), eps=ADAMW["eps"])
    traj, norms = [], []
    for _ in range(ADAMW["steps"]):
        opt.zero_grad()
        l = loss_fn(forward(CFG, Q, tokens, lengths), tokens, mask)
        l.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(list(Q.values()), ADAMW["clip"])))
        opt.step()
        traj.append(float(l))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(dict(
            script="tools/reference/llama_tiny.py", torch=torch.__version__, numpy=np.__version__,
            seed=SEED, precision="float64", rope="halfSplit (HF layout)",
            config=CFG, params={n: v.ravel().tolist() for n, v in init.items()},
            shapes={n: list(s) for n, s in shapes.items()},
            tokens=tokens.numpy().tolist(), lengths=lengths.numpy().tolist(),
            loss_mask=mask.numpy().tolist(), logits=logits.detach().numpy().ravel().tolist(),
            loss=float(loss), grads=grads, adamw=ADAMW, trajectory=traj, grad_norms=norms), f)
    print("loss", float(loss), "trajectory", traj, "norms", norms)


if __name__ == "__main__":
    main()
