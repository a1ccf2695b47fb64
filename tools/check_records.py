#!/usr/bin/env python3
"""Checks that h5py and pandas read Radit's per-example records (issue 13 §2).

1. Takes run folders (--run, repeatable) or makes two short runs of experiments/tiny.toml
   (tiny from-scratch models, seconds; seeds 7 and 8 via --set train.seed) and a BM25
   `radit bench retrieval` on a small generated SynthKB (seed 3).
2. For every evaluation pass in run.h5:/predictions/<pass>/ (and the bench file's
   /predictions/<retriever>/): loads the columns into a pandas DataFrame, one row per
   question (ragged gold answers split by their CSR offsets, padded chunk ids trimmed), and
   checks: ids unique; EM and F1 recomputed here with the SQuAD v1.1 normalisation equal the
   stored ones (HotpotQA's yes/no rule included); the pass means equal /results/em, /results/f1
   and /results/closed_book_em; gold recall@k from the rankings equals /results/recall.
3. `radit table RUNS --layout radit-table6 --format csv` loads with
   pandas.read_csv(comment="#") and its cells equal the per-pass means.

Usage: tools/check_records.sh [--run runs/NAME ...] [--radit .build/release/radit]
(the .sh makes a venv from PyPI unless PEER_PYTHON names a Python with h5py, pandas, numpy).
Exits 1 when a check fails.
"""
import argparse
import os
import re
import string
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version

import h5py
import numpy as np
import pandas as pd

ok = True


def check(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok = ok and bool(cond)


def run(cmd, **kw):
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


# SQuAD v1.1 evaluate-v1.1.py normalisation, with HotpotQA's yes/no/noanswer rule for F1.
def normalize(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def em(pred, golds):
    return max((1.0 if normalize(pred) == normalize(g) else 0.0) for g in golds) if golds else 0.0


def f1_one(pred, gold):
    p, g = normalize(pred), normalize(gold)
    if (p in ("yes", "no", "noanswer") or g in ("yes", "no", "noanswer")) and p != g:
        return 0.0
    pt, gt = p.split(), g.split()
    if not pt or not gt:
        return 1.0 if pt == gt else 0.0
    same = sum((Counter(pt) & Counter(gt)).values())
    if same == 0:
        return 0.0
    prec, rec = same / len(pt), same / len(gt)
    return 2 * prec * rec / (prec + rec)


def f1(pred, golds):
    return max(f1_one(pred, g) for g in golds) if golds else 0.0


def text(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in np.asarray(a).ravel()]


def records_frame(g):
    """One pass's records as a DataFrame, one row per question."""
    ids = text(g["id"][()])
    gold = np.split(np.array(text(g["gold"][()]), dtype=object), g["gold_offsets"][()][1:-1])
    rel = np.split(np.array(text(g["relevant_ids"][()]), dtype=object), g["relevant_offsets"][()][1:-1])
    nq = len(ids)
    ctx = np.array(text(g["context_ids"][()]), dtype=object).reshape(g["context_ids"].shape)
    rank = np.array(text(g["ranking_ids"][()]), dtype=object).reshape(g["ranking_ids"].shape)
    return pd.DataFrame({
        "id": ids,
        "prediction": text(g["prediction"][()]),
        "gold": [list(x) for x in gold] if nq else [],
        "em": g["em"][()],
        "f1": g["f1"][()],
        "context_ids": [[c for c in row if c] for row in ctx],
        "context_scores": [list(row[: len([c for c in r if c])]) for row, r in zip(g["context_scores"][()], ctx)],
        "ranking_ids": [[c for c in row if c] for row in rank],
        "relevant": [list(x) for x in rel] if nq else [],
    })


def check_pass(label, df):
    check(df["id"].is_unique, f"{label}: {len(df)} questions, ids unique")
    check(np.allclose(df["em"], [em(p, g) for p, g in zip(df["prediction"], df["gold"])]), f"{label}: stored EM = SQuAD EM recomputed")
    check(np.allclose(df["f1"], [f1(p, g) for p, g in zip(df["prediction"], df["gold"])]), f"{label}: stored F1 = SQuAD F1 recomputed")


def recall_at(df, k):
    rows = [(r, set(g)) for r, g in zip(df["ranking_ids"], df["relevant"]) if g]
    return np.mean([1.0 if set(r[:k]) & g else 0.0 for r, g in rows]) if rows else float("nan")


def check_run(folder):
    frames = {}
    with h5py.File(os.path.join(folder, "run.h5"), "r") as f:
        p = f["predictions"]
        names = text(p.attrs["passes"])
        check(len(names) > 0 and set(names) == set(p.keys()), f"{folder}: passes {names}")
        for name in names:
            df = records_frame(p[name])
            frames[name] = df
            check_pass(f"{os.path.basename(folder)} {name}", df)
        res = f["results"]
        em_t, f1_t = res["em"][()], res["f1"][()]
        cb = res["closed_book_em"][()]
        ks, recall = res["recall_at"][()], res["recall"][()]
        for li, lm in enumerate(["base", "LM-ft"]):
            for ri, rt in enumerate(["base", "R-ft"]):
                name = f"{lm}+{rt}"
                if name in frames:
                    check(np.isclose(frames[name]["em"].mean(), em_t[li, ri]), f"{name}: mean EM = /results/em[{li},{ri}] = {em_t[li, ri]:.4f}")
                    check(np.isclose(frames[name]["f1"].mean(), f1_t[li, ri]), f"{name}: mean F1 = /results/f1[{li},{ri}]")
                    for j, k in enumerate(ks):
                        check(np.isclose(recall_at(frames[name], int(k)), recall[ri, j], equal_nan=True),
                              f"{name}: R@{k} from the rankings = /results/recall[{ri},{j}]")
            cname = f"{lm}+closed-book"
            if cname in frames:
                check(np.isclose(frames[cname]["em"].mean(), cb[li]), f"{cname}: mean EM = /results/closed_book_em[{li}]")
                check(all(len(c) == 0 for c in frames[cname]["context_ids"]), f"{cname}: no context chunks")
    return frames


def check_bench(path):
    with h5py.File(path, "r") as f:
        p = f["predictions"]
        for name in text(p.attrs["passes"]):
            df = records_frame(p[name])
            check(df["id"].is_unique and len(df) == f.attrs["questions"], f"bench {name}: {len(df)} rankings, one per question")
            ms = text(f["results/retrieval/metrics"][()])
            row = text(f["results/retrieval/retrievers"][()]).index(name)
            values = f["results/retrieval/values"][()][row]
            for k in (1, 5):
                if f"R@{k}" in ms:
                    check(np.isclose(recall_at(df, k), values[ms.index(f"R@{k}")]), f"bench {name}: R@{k} from the rankings = the table's")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", action="append", help="an existing run folder (repeatable; default: make two tiny runs)")
    ap.add_argument("--radit", default=".build/release/radit")
    a = ap.parse_args()
    print(f"h5py {version('h5py')}, pandas {version('pandas')}, numpy {version('numpy')}")
    tmp = tempfile.mkdtemp(prefix="radit-records-")
    runs = a.run
    if not runs:
        runs = []
        for seed in (7, 8):
            run([a.radit, "run", "experiments/tiny.toml", "--name", f"tiny-s{seed}", "--runs-dir", tmp,
                 "--set", "train.steps=4", "--set", f"train.seed={seed}", "--set", "train.eval_every=0",
                 "--set", "train.checkpoint_every=0"], stdout=subprocess.DEVNULL)
            runs.append(os.path.join(tmp, f"tiny-s{seed}"))
        kb = os.path.join(tmp, "synthkb")
        run([a.radit, "generate", "synthkb", "--entities", "40", "--seed", "3", "--out", kb], stdout=subprocess.DEVNULL)
        bench = os.path.join(tmp, "bench.h5")
        run([a.radit, "bench", "retrieval", "--data", kb, "--retrievers", "bm25", "--k", "1,5", "--output", bench],
            stdout=subprocess.DEVNULL)
        check_bench(bench)
    frames = [check_run(r) for r in runs]
    csv = os.path.join(tmp, "table6.csv")
    run([a.radit, "table", *runs, "--layout", "radit-table6", "--format", "csv", "--output", csv, "--resamples", "200"],
        stdout=subprocess.DEVNULL)
    t = pd.read_csv(csv, comment="#")
    check(set(t["row"]) == {"base+base", "LM-ft+base", "base+R-ft", "LM-ft+R-ft"}, f"table CSV: {len(t)} cells, Table 6 rows")
    check((t["n"] == len(frames[0]["LM-ft+R-ft"])).all(), "table CSV: every cell states n")
    for _, c in t.iterrows():
        metric = "em" if c["metric"] == "EM" else "f1"
        mean = np.mean([fr[c["row"]][metric].mean() for fr in frames])
        check(np.isclose(c["value"], mean), f"table CSV {c['row']} {c['metric']} = {c['value']:.4f} = mean over runs of the records")
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
