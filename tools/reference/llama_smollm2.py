#!/usr/bin/env python3
"""Reference for RaditModels' Llama forward on SmolLM2-135M-Instruct (issue 6).

A plain numpy (float64) forward over the `gguf` package's dequantised tensors of
models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf. GGUF stores attn_q/attn_k
permuted by llama.cpp's converter for the *interleaved* RoPE layout (rotate pairs
(2i, 2i+1)), so this forward applies interleaved RoPE directly to the stored weights.

Writes Tests/Fixtures/llama/smollm2_reference.json with, for 5 prompts: the prompt token
ids (from the GGUF tokenizer, so the Swift test does not depend on a tokenizer), the
last-position logits at a stride of 16 plus max, min, argmax and the top-20, and a
20-token greedy continuation (with the smallest top-1/top-2 logit margin met on the way,
so a reader can judge how robust the greedy match is).

Optional cross-check (--torch): transformers' GGUF loader (which un-permutes Q/K to the
HF half-split layout) must give the same logits; this checks the layout handling from
the other side.

Usage: /work/venv/bin/python tools/reference/llama_smollm2.py [--torch]
"""
import json
import os
import sys

import numpy as np
import gguf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
OUT = os.path.join(ROOT, "Tests/Fixtures/llama/smollm2_reference.json")
PROMPTS = [
    "The capital of France is",
    "def fibonacci(n):",
    "Water boils at a temperature of",
    "Once upon a time, there was a little",
    "The three primary colors are",
]
STRIDE = 16
GREEDY = 20


def field(r, key):
    return r.fields[key].contents()


def load():
    r = gguf.GGUFReader(MODEL)
    cfg = dict(
        L=int(field(r, "llama.block_count")), C=int(field(r, "llama.embedding_length")),
        F=int(field(r, "llama.feed_forward_length")), H=int(field(r, "llama.attention.head_count")),
        Hkv=int(field(r, "llama.attention.head_count_kv")),
        theta=float(field(r, "llama.rope.freq_base")),
        eps=float(field(r, "llama.attention.layer_norm_rms_epsilon")),
    )
    w = {}
    for t in r.tensors:
        a = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float64)
        w[t.name] = a.reshape([int(x) for x in reversed(t.shape.tolist())]) if a.ndim > 1 else a.reshape(-1)
    return r, cfg, w


def tokenizer_from_gguf(r):
    """Byte-level BPE from the GGUF vocab and merges via the `tokenizers` package."""
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders
    tokens = field(r, "tokenizer.ggml.tokens")
    merges = field(r, "tokenizer.ggml.merges")
    vocab = {t: i for i, t in enumerate(tokens)}
    merges = [tuple(m.split(" ", 1)) for m in merges]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    # SmolLM2's tokenizer.json: digits split individually, then GPT-2 byte-level.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    return tok


def rms(x, g, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g


def rope_interleaved(x, theta):
    # x: (T, H, Dh); rotate pairs (2i, 2i+1) by pos * theta^(-2i/Dh).
    T, H, Dh = x.shape
    inv = theta ** (-np.arange(0, Dh, 2) / Dh)              # (Dh/2,)
    ang = np.arange(T)[:, None] * inv[None, :]              # (T, Dh/2)
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = x0 * c - x1 * s
    out[..., 1::2] = x0 * s + x1 * c
    return out


def forward(cfg, w, ids):
    """Logits at every position, (T, V)."""
    T = len(ids)
    C, H, Hkv = cfg["C"], cfg["H"], cfg["Hkv"]
    Dh = C // H
    x = w["token_embd.weight"][ids]                         # (T, C)
    mask = np.triu(np.full((T, T), -np.inf), 1)
    for l in range(cfg["L"]):
        p = f"blk.{l}."
        h = rms(x, w[p + "attn_norm.weight"], cfg["eps"])
        q = (h @ w[p + "attn_q.weight"].T).reshape(T, H, Dh)
        k = (h @ w[p + "attn_k.weight"].T).reshape(T, Hkv, Dh)
        v = (h @ w[p + "attn_v.weight"].T).reshape(T, Hkv, Dh)
        q, k = rope_interleaved(q, cfg["theta"]), rope_interleaved(k, cfg["theta"])
        rep = H // Hkv
        k, v = np.repeat(k, rep, axis=1), np.repeat(v, rep, axis=1)
        att = np.einsum("thd,shd->hts", q, k) / np.sqrt(Dh) + mask
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        o = np.einsum("hts,shd->thd", att, v).reshape(T, C)
        x = x + o @ w[p + "attn_output.weight"].T
        h = rms(x, w[p + "ffn_norm.weight"], cfg["eps"])
        g = h @ w[p + "ffn_gate.weight"].T
        u = h @ w[p + "ffn_up.weight"].T
        x = x + ((g / (1 + np.exp(-g))) * u) @ w[p + "ffn_down.weight"].T
    x = rms(x, w["output_norm.weight"], cfg["eps"])
    head = w.get("output.weight", w["token_embd.weight"])
    return x @ head.T


def main():
    r, cfg, w = load()
    tok = tokenizer_from_gguf(r)
    cases = []
    for prompt in PROMPTS:
        ids = tok.encode(prompt).ids
        logits = forward(cfg, w, ids)[-1]
        top = np.argsort(-logits)[:20]
        seq = list(ids)
        margins = []
        for _ in range(GREEDY):
            lg = forward(cfg, w, seq)[-1]
            o = np.sort(lg)[::-1]
            margins.append(float(o[0] - o[1]))
            seq.append(int(np.argmax(lg)))
        cont = seq[len(ids):]
        cases.append(dict(
            prompt=prompt, ids=[int(i) for i in ids],
            logits_stride=STRIDE, logits_strided=[float(v) for v in logits[::STRIDE]],
            logits_max=float(logits.max()), logits_min=float(logits.min()),
            argmax=int(np.argmax(logits)),
            top20_ids=[int(i) for i in top], top20_logits=[float(logits[i]) for i in top],
            greedy=cont, greedy_text=tok.decode(cont), greedy_min_margin=min(margins),
        ))
        print(f"{prompt!r} -> {tok.decode(cont)!r} (min margin {min(margins):.4f})", file=sys.stderr)
    if "--torch" in sys.argv:
        import torch
        from transformers import AutoModelForCausalLM
        m = AutoModelForCausalLM.from_pretrained(os.path.dirname(MODEL), gguf_file=os.path.basename(MODEL),
                                                 torch_dtype=torch.float64)
        for c in cases:
            with torch.no_grad():
                lg = m(torch.tensor([c["ids"]])).logits[0, -1].numpy()
            d = np.abs(lg[::STRIDE] - np.array(c["logits_strided"])).max()
            print(f"transformers cross-check {c['prompt']!r}: max |diff| {d:.2e}", file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(dict(
            script="tools/reference/llama_smollm2.py", model=os.path.basename(MODEL),
            numpy=np.__version__, gguf=getattr(gguf, "__version__", "0.19"),
            precision="float64 over dequantised weights", rope="interleaved (GGUF layout)",
            config=cfg, cases=cases), f, indent=None)
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
