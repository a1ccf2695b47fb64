"""Reference BM25 scores from bm25s for Tests/Fixtures/index/bm25_bm25s.json.

A seeded synthetic corpus (Zipf-distributed words plus some non-ASCII tokens) is
tokenised with re.findall(r"\\w+", text.lower()) -- Radit's WordTokenizer -- and scored
by bm25s for each variant. Run: /work/venv/bin/python tools/reference/bm25_bm25s.py
"""
import json
import math
import re
import sys

import bm25s
import numpy as np

SEED = 1234
rng = np.random.default_rng(SEED)
vocab = [f"w{i}" for i in range(400)] + ["Café", "naïve", "Straße", "東京", "x_y", "42", "Ωmega", "ÉCOLE"]
weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.1
weights /= weights.sum()


def text(n):
    words = rng.choice(vocab, size=n, p=weights)
    seps = rng.choice([" ", ", ", ". ", " - ", "\n"], size=n)
    return "".join(w + s for w, s in zip(words, seps)).strip()


docs = [text(int(rng.integers(3, 60))) for _ in range(300)]
queries = [text(int(rng.integers(1, 6))) for _ in range(25)] + ["zzz unknown", "CAFÉ straße 東京"]


def tokenize(s):
    return re.findall(r"\w+", s.lower())


doc_tokens = [tokenize(d) for d in docs]
out = {
    "script": "tools/reference/bm25_bm25s.py",
    "seed": SEED,
    "bm25s_version": bm25s.__version__,
    "numpy_version": np.__version__,
    "python": sys.version.split()[0],
    "documents": docs,
    "queries": queries,
    "query_tokens": [tokenize(q) for q in queries],
    "cases": [],
}
for method, k1, b, delta in [("lucene", 0.9, 0.4, None), ("lucene", 1.5, 0.75, None),
                             ("robertson", 1.2, 0.75, None), ("bm25+", 1.2, 0.75, 0.5)]:
    kwargs = dict(method=method, k1=k1, b=b)
    if delta is not None:
        kwargs["delta"] = delta
    model = bm25s.BM25(**kwargs)
    model.index(doc_tokens, show_progress=False)
    scores, nonoccurrence = [], []
    for q in queries:
        toks = [t for t in tokenize(q) if t in model.vocab_dict]
        scores.append([float(x) for x in model.get_scores(toks)] if toks else [0.0] * len(docs))
        # bm25s (like rank_bm25) adds delta * idf for a query term to documents WITHOUT the
        # term too; Lv & Zhai (2011) sum over terms in both query and document. The part
        # bm25s adds for absent terms, so the test can compare the paper's formula.
        row = [0.0] * len(docs)
        if delta is not None:
            n = len(docs)
            for t in toks:
                df = sum(1 for d in doc_tokens if t in d)
                for j, d in enumerate(doc_tokens):
                    if t not in d:
                        row[j] += delta * math.log((n + 1) / df)
        nonoccurrence.append(row)
    out["cases"].append({"method": method, "k1": k1, "b": b, "delta": delta, "scores": scores,
                         "nonoccurrence": nonoccurrence})

with open("Tests/Fixtures/index/bm25_bm25s.json", "w") as f:
    json.dump(out, f, ensure_ascii=False)
print("wrote Tests/Fixtures/index/bm25_bm25s.json")
