"""Peer side of benchmarks/index: FAISS IndexFlatIP / IndexHNSWFlat and bm25s on the
files bench-index wrote, same method (warm-up, repeats, medians). Prints one JSON object.

usage: peer_faiss_bm25s.py DIR --threads 2 --repeats 3 --m 16 --ef-construction 100 --ef 16,32,64,128
"""
import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--m", type=int, default=16)
ap.add_argument("--ef-construction", type=int, default=100)
ap.add_argument("--ef", default="16,32,64,128")
ap.add_argument("--k", type=int, default=10)
ap.add_argument("--single", type=int, default=100)
args = ap.parse_args()

import faiss  # noqa: E402
import bm25s  # noqa: E402

faiss.omp_set_num_threads(args.threads)
meta = json.load(open(os.path.join(args.dir, "meta.json")))
n, nq, d, k = meta["n"], meta["nq"], meta["d"], args.k
x = np.fromfile(os.path.join(args.dir, "base.f32"), dtype="<f4").reshape(n, d)
q = np.fromfile(os.path.join(args.dir, "queries.f32"), dtype="<f4").reshape(nq, d)
truth = np.fromfile(os.path.join(args.dir, "truth.i32"), dtype="<i4").reshape(nq, k)


def timed(fn, repeats):
    fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


out = {"faiss": importlib.metadata.version("faiss-cpu"), "bm25s": bm25s.__version__,
       "numpy": np.__version__, "python": platform.python_version(), "threads": args.threads}

flat = faiss.IndexFlatIP(d)
flat.add(x)
t = timed(lambda: flat.search(q, k), args.repeats)
out["flat_batch_qps"] = nq / t
_, ids = flat.search(q, k)
out["flat_recall_vs_truth"] = float(np.mean([len(set(ids[i]) & set(truth[i])) / k for i in range(nq)]))
lat = []
flat.search(q[:1], k)
for i in range(args.single):
    t0 = time.perf_counter()
    flat.search(q[i:i + 1], k)
    lat.append(time.perf_counter() - t0)
out["flat_single_ms"] = statistics.median(lat) * 1000

hnsw = faiss.IndexHNSWFlat(d, args.m, faiss.METRIC_INNER_PRODUCT)
hnsw.hnsw.efConstruction = args.ef_construction
t0 = time.perf_counter()
hnsw.add(x)
out["hnsw_build_s"] = time.perf_counter() - t0
out["hnsw"] = []
for ef in [int(e) for e in args.ef.split(",")]:
    hnsw.hnsw.efSearch = ef
    t = timed(lambda: hnsw.search(q, k), args.repeats)
    _, ids = hnsw.search(q, k)
    rec = float(np.mean([len(set(ids[i]) & set(truth[i])) / k for i in range(nq)]))
    out["hnsw"].append({"ef": ef, "recall": rec, "qps": nq / t})

docs = open(os.path.join(args.dir, "docs.txt"), encoding="utf-8").read().split("\n")[: meta["docs"]]
queries = open(os.path.join(args.dir, "bm25_queries.txt"), encoding="utf-8").read().split("\n")[: meta["bm25_queries"]]


def build():
    tokens = bm25s.tokenize(docs, lower=True, token_pattern=r"(?u)\b\w+\b", stopwords=None, show_progress=False)
    model = bm25s.BM25(method="lucene", k1=0.9, b=0.4)
    model.index(tokens, show_progress=False)
    return model


builds = []
model = None
for _ in range(args.repeats):
    t0 = time.perf_counter()
    model = build()
    builds.append(time.perf_counter() - t0)
out["bm25_build_s"] = statistics.median(builds)


def query():
    qt = bm25s.tokenize(queries, lower=True, token_pattern=r"(?u)\b\w+\b", stopwords=None, show_progress=False, return_ids=False)
    return model.retrieve(qt, k=k, n_threads=args.threads, show_progress=False)


t = timed(query, args.repeats)
out["bm25_qps"] = len(queries) / t
res = query()
out["bm25_top1"] = [int(r[0]) for r in res.documents[:20]]
print(json.dumps(out))
