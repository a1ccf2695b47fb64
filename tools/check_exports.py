#!/usr/bin/env python3
"""Checks `radit export` against the peers researchers load its folders with.

1. Takes a run folder (--run), or makes a short real-model run first: experiments/quickstart.toml
   (SmolLM2-135M-Instruct GGUF + LoRA, all-MiniLM-L6-v2 query side) with 2 steps, 2 dev
   questions and no Table 6 (seeded: train.seed and data.seed from the config).
2. `radit export RUN --lm OUT/lm --retriever OUT/retriever --reference OUT/reference.json`
   with a few prompts and sentences: the reference holds Radit's own logits (the tuned LM as
   training runs it, LoRA adapters unmerged) and query embeddings.
3. transformers: AutoTokenizer + AutoModelForCausalLM (float32) load OUT/lm; token ids must
   equal Radit's, and logits must match within 1e-3 of the logit range (max |Δ| / (max − min)).
4. sentence-transformers: SentenceTransformer(OUT/retriever) encodes the sentences; token ids
   must equal Radit's and every cosine with Radit's embedding must be ≥ 0.9999.

Usage: tools/check_exports.sh [--run runs/NAME] [--out DIR] [--radit .build/release/radit]
(the .sh makes a venv from PyPI unless PEER_PYTHON names a Python with torch, transformers
and sentence-transformers). Exits 1 when a check fails. Deterministic: no sampling anywhere.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version

import numpy as np
import torch

PROMPTS = [
    "Background: The Quokka Observatory stands on Lake Vantor.\n\nQuestion: Where is the Quokka Observatory?\nAnswer:",
    "<|im_start|>user\nWhat is 12345 + 678?<|im_end|>\n<|im_start|>assistant\n",
    "Ünïcödé, emoji 🚀 and   spaces\ttabs — the tokenizer must agree.",
]
SENTENCES = [
    "Where is the Quokka Observatory?",
    "The lighthouse was lit in 1874 by keeper Ada Moreland.",
    "A completely unrelated sentence about pasta recipes.",
    "Ünïcödé and digits 2024",
]
LOGIT_TOLERANCE = 1e-3  # of the logit range
COSINE_MIN = 0.9999


def run(cmd, **kw):
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def make_run(radit, runs_dir):
    run(
        [radit, "run", "experiments/quickstart.toml", "--name", "export-check", "--runs-dir", runs_dir, "--overwrite",
         "--set", "train.steps=2", "--set", "data.train_limit=4", "--set", "data.dev_limit=2",
         "--set", "eval.table=false"]
    )
    return os.path.join(runs_dir, "export-check")


def check_lm(folder, reference):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)  # transformers >= 4.56
    except TypeError:
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
    model.eval()
    ok = True
    print(f"\nLM ({type(model).__name__}, {sum(p.numel() for p in model.parameters()):,} parameters, "
          f"tokenizer {type(tok).__name__}, chat template {'present' if tok.chat_template else 'absent'})")
    print(f"{'prompt':<34} {'tokens':>6} {'ids equal':>9} {'max|Δ|':>10} {'range':>8} {'max|Δ|/range':>12} {'argmax eq':>9}")
    for r in reference["lm"]:
        ids = r["ids"]
        hf_ids = tok(r["text"])["input_ids"]
        ids_equal = hf_ids == ids
        mine = np.asarray(r["logits"], dtype=np.float32).reshape(len(ids), r["vocab"])
        with torch.no_grad():
            theirs = model(torch.tensor([ids])).logits[0].float().numpy()
        diff = float(np.max(np.abs(theirs - mine)))
        span = float(mine.max() - mine.min())
        rel = diff / span
        argmax = bool(np.all(theirs.argmax(-1) == mine.argmax(-1)))
        good = ids_equal and rel <= LOGIT_TOLERANCE
        ok &= good
        label = r["text"][:32].replace("\n", "\\n").replace("\t", "\\t")
        print(f"{label:<34} {len(ids):>6} {str(ids_equal):>9} {diff:>10.2e} {span:>8.2f} {rel:>12.2e} {str(argmax):>9}"
              f"{'' if good else '   FAIL'}")
        if not ids_equal:
            print(f"    radit ids {ids}\n    HF ids    {hf_ids}")
    if tok.chat_template:
        rendered = tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)
        print(f"chat template renders: {rendered!r}")
    return ok


def check_retriever(folder, reference):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(folder, device="cpu")
    rows = reference["retriever"]
    theirs = model.encode([r["text"] for r in rows], convert_to_numpy=True, batch_size=len(rows))
    ok = True
    print(f"\nretriever ({' → '.join(type(m).__name__ for m in model)}, max_seq_length {model.max_seq_length})")
    print(f"{'sentence':<42} {'ids equal':>9} {'cosine':>10}")
    for r, e in zip(rows, theirs):
        mine = np.asarray(r["embedding"], dtype=np.float64)
        e = e.astype(np.float64)
        cos = float(mine @ e / (np.linalg.norm(mine) * np.linalg.norm(e)))
        hf_ids = model.tokenizer(r["text"])["input_ids"]
        ids_equal = hf_ids == r["ids"]
        good = ids_equal and cos >= COSINE_MIN
        ok &= good
        print(f"{r['text'][:40]:<42} {str(ids_equal):>9} {cos:>10.7f}{'' if good else '   FAIL'}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", help="an existing run folder (default: make a short quickstart run)")
    ap.add_argument("--out", help="folder for the exports and the reference (default: a temporary folder)")
    ap.add_argument("--radit", default=".build/release/radit")
    ap.add_argument("--checkpoint", default="best", choices=["best", "latest"])
    args = ap.parse_args()
    print("versions: " + ", ".join(f"{p} {version(p)}" for p in
                                   ["torch", "transformers", "tokenizers", "sentence-transformers", "safetensors", "numpy"]))
    torch.manual_seed(0)
    out = args.out or tempfile.mkdtemp(prefix="radit-check-exports-")
    os.makedirs(out, exist_ok=True)
    run_dir = args.run or make_run(args.radit, os.path.join(out, "runs"))
    lm_dir, retriever_dir, ref = (os.path.join(out, n) for n in ("lm", "retriever", "reference.json"))
    cmd = [args.radit, "export", run_dir, "--lm", lm_dir, "--retriever", retriever_dir, "--overwrite",
           "--checkpoint", args.checkpoint, "--reference", ref]
    for p in PROMPTS:
        cmd += ["--reference-prompt", p]
    for s in SENTENCES:
        cmd += ["--reference-sentence", s]
    run(cmd)
    with open(ref) as f:
        reference = json.load(f)
    print(f"run {reference['run']}, checkpoint {reference['checkpoint']} (step {reference['step']})")
    lm_ok = check_lm(lm_dir, reference)
    retriever_ok = check_retriever(retriever_dir, reference)
    print(f"\nLM: {'PASS' if lm_ok else 'FAIL'} (logits within {LOGIT_TOLERANCE:g} of the range, ids equal); "
          f"retriever: {'PASS' if retriever_ok else 'FAIL'} (cosine ≥ {COSINE_MIN}, ids equal)")
    sys.exit(0 if lm_ok and retriever_ok else 1)


if __name__ == "__main__":
    main()
