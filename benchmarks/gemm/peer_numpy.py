"""Peer of bench-gemm: numpy matmul GFLOP/s on the same square Float32 sizes, same method
(2 warm-up calls, then 30/15/7/5 timed calls, median; GFLOP/s = 2n^3/t). Prints JSON."""
import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


def repeats(n):
    return 30 if n < 512 else 15 if n < 1024 else 7 if n < 1536 else 5


def measure(n, threads):
    rng = np.random.default_rng(n)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), dtype=np.float32)
    with threadpool_limits(limits=threads, user_api="blas"):
        np.matmul(a, b, out=c)
        np.matmul(a, b, out=c)
        times = []
        for _ in range(repeats(n)):
            t0 = time.perf_counter()
            np.matmul(a, b, out=c)
            times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    return {"threads": threads, "n": n, "repeats": len(times), "median_s": t, "gflops": 2 * n**3 / t / 1e9}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="256,512,1024,1536,2048")
    parser.add_argument("--threads", default=str(os.cpu_count()))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        for n in sizes:
            results.append(measure(n, threads))
    blas = [f"{i['internal_api']} {i['version']} kernel={i.get('architecture')} threading={i.get('threading_layer')}"
            f" max_threads={i['num_threads']}" for i in threadpool_info() if i["user_api"] == "blas"]
    env = {k: os.environ.get(k, "unset") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(json.dumps({"numpy": np.__version__, "python": platform.python_version(), "blas": "; ".join(blas),
                      "env": env, "results": results}))


if __name__ == "__main__":
    main()
