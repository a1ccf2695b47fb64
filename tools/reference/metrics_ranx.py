"""Reference retrieval metrics from ranx for Tests/Fixtures/eval/metrics_ranx.json.

Seeded random runs (ranked lists of doc ids) and graded qrels (grades 1..3), scored by
ranx per query. Run: /work/venv/bin/python tools/reference/metrics_ranx.py
"""
import importlib.metadata
import json
import sys

import numpy as np
import ranx
from ranx import Qrels, Run, evaluate

SEED = 7
rng = np.random.default_rng(SEED)
docs = [f"d{i}" for i in range(60)]
qrels, run = {}, {}
for q in range(40):
    qid = f"q{q}"
    rel = rng.choice(docs, size=int(rng.integers(1, 6)), replace=False)
    qrels[qid] = {d: int(rng.integers(1, 4)) for d in rel}
    ranked = rng.permutation(docs)[: int(rng.integers(5, 30))]
    # Strictly decreasing scores so the order is the ranking.
    run[qid] = {d: float(100 - i) for i, d in enumerate(ranked)}

metrics = ["ndcg@1", "ndcg@5", "ndcg@10", "mrr@10", "recall@5", "recall@20", "hit_rate@1", "hit_rate@10", "r-precision"]
ranx_qrels, ranx_run = Qrels(qrels), Run(run)
per_query = evaluate(ranx_qrels, ranx_run, metrics, return_mean=False, make_comparable=True)
# ranx returns per-query values in its own (sorted) key order.
order = list(ranx_qrels.keys())
assert order == list(ranx_run.keys())
out = {
    "script": "tools/reference/metrics_ranx.py",
    "seed": SEED,
    "ranx_version": importlib.metadata.version("ranx"),
    "python": sys.version.split()[0],
    "qrels": qrels,
    "runs": {q: list(run[q].keys()) for q in run},
    "metrics": {m: [float(x) for x in per_query[m]] for m in metrics},
    "query_order": order,
}
with open("Tests/Fixtures/eval/metrics_ranx.json", "w") as f:
    json.dump(out, f)
print("wrote Tests/Fixtures/eval/metrics_ranx.json")
