"""Independent reference for RaditEval's statistics (Tests/Fixtures/stats/).

Writes, from a fixed seed:
  predictions.tsv      per-question scores of three systems A, B, C on n questions
                       (EM 0/1, F1 with F1 = 1 where EM = 1, R@5 0/1, nDCG@10 graded);
                       only with --make-predictions (it is committed; the rest reads it)
  resampling_plan.txt  R bootstrap rows of n indices and R sign-flip rows of n bits, drawn
                       with numpy's default_rng(SEED); the Swift test applies the SAME rows
  reference.json       what scipy / numpy / statsmodels compute on them:
                       exact McNemar (scipy.stats.binomtest on the discordant pairs),
                       paired bootstrap and approximate randomization p-values (numpy, with
                       the +1 correction), 95 % percentile bootstrap intervals of each mean
                       (numpy.percentile, linear), Holm adjustment (statsmodels multipletests)

Definitions (the contract RaditEval's PairedTests implements), d = a - b, delta = mean(d):
  paired bootstrap   p = (1 + #{|mean(d[rows]) - delta| >= |delta| - TOL}) / (R + 1)
  randomization      p = (1 + #{|mean(s * d)| >= |delta| - TOL}) / (R + 1), s = -1 where the bit is set
  TOL = 1e-9: a resampled statistic that ties the observed one counts as extreme.

Run:  PEER_PYTHON=/path/to/python tools/reference/statistics_reference.py
      (or plain `python3 tools/reference/statistics_reference.py`: without scipy/numpy/
      statsmodels importable it creates .venv-reference/ and installs them with pip).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "stats")
SEED = 20240310
N = 50
R = 400
TOL = 1e-9
LEVEL = 0.95


def ensure_packages():
    """Re-run under PEER_PYTHON, or under a private venv with the packages installed."""
    peer = os.environ.get("PEER_PYTHON")
    if peer and os.path.realpath(peer) != os.path.realpath(sys.executable):
        os.execv(peer, [peer] + sys.argv)
    try:
        import numpy, scipy, statsmodels  # noqa: F401
        return
    except ImportError:
        pass
    venv = os.path.join(ROOT, ".venv-reference")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    subprocess.check_call([python, "-m", "pip", "install", "--quiet", "numpy", "scipy", "statsmodels"])
    os.execv(python, [python] + sys.argv)


ensure_packages()

import importlib.metadata  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import binomtest  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402

SYSTEMS = ["A", "B", "C"]
METRICS = ["em", "f1", "r5", "ndcg10"]


def make_predictions(path):
    """Three systems: A clearly better than C, B close to C (a null-sized difference)."""
    rng = np.random.default_rng(SEED + 1)
    difficulty = rng.uniform(0, 1, N)
    rows = []
    for q in range(N):
        row = {"id": f"q{q:03d}"}
        for s, skill in zip(SYSTEMS, [0.75, 0.5, 0.45]):
            em = int(rng.uniform() < skill * (1.2 - difficulty[q]))
            # Partial credit: F1 on a 1/6 grid below 1 (ties are common, as in real F1).
            f1 = 1.0 if em else float(rng.integers(0, 6)) / 6
            r5 = int(rng.uniform() < skill + 0.2 * (1 - difficulty[q]))
            ndcg = float(np.round(rng.uniform(0, 1) * r5, 6))
            row.update({f"{s}_em": em, f"{s}_f1": f1, f"{s}_r5": r5, f"{s}_ndcg10": ndcg})
        rows.append(row)
    cols = ["id"] + [f"{s}_{m}" for s in SYSTEMS for m in METRICS]
    with open(path, "w") as f:
        f.write("\t".join(cols) + "\n")
        for row in rows:
            f.write("\t".join(repr(row[c]) if isinstance(row[c], float) else str(row[c]) for c in cols) + "\n")


def read_predictions(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    cols = {h: [line[i] for line in lines] for i, h in enumerate(header)}
    return {h: np.array([float(x) for x in v]) for h, v in cols.items() if h != "id"}


def write_plan(path, boot, flips):
    with open(path, "w") as f:
        f.write(f"# radit resampling plan v1: numpy {np.__version__} default_rng({SEED}); "
                "bootstrap = integers(0, n, (R, n)), flips = integers(0, 2, (R, n))\n")
        f.write(f"n {N}\nresamples {R}\nbootstrap\n")
        for row in boot:
            f.write(" ".join(str(int(i)) for i in row) + "\n")
        f.write("flips\n")
        for row in flips:
            f.write("".join(str(int(b)) for b in row) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    pred_path = os.path.join(OUT, "predictions.tsv")
    if "--make-predictions" in sys.argv or not os.path.exists(pred_path):
        make_predictions(pred_path)
    p = read_predictions(pred_path)

    rng = np.random.default_rng(SEED)
    boot = rng.integers(0, N, size=(R, N))
    flips = rng.integers(0, 2, size=(R, N))
    write_plan(os.path.join(OUT, "resampling_plan.txt"), boot, flips)
    signs = np.where(flips == 1, -1.0, 1.0)

    intervals = {}
    for s in SYSTEMS:
        for m in METRICS:
            x = p[f"{s}_{m}"]
            means = x[boot].mean(axis=1)
            lo, hi = np.percentile(means, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
            intervals[f"{s}/{m}"] = {"mean": float(x.mean()), "lower": float(lo), "upper": float(hi)}

    comparisons = []
    for a, b in [("A", "C"), ("B", "C"), ("A", "B"), ("A", "A")]:
        for m in METRICS:
            x, y = p[f"{a}_{m}"], p[f"{b}_{m}"]
            d = x - y
            delta = d.mean()
            if m in ("em", "r5"):
                a_only = int(((x == 1) & (y == 0)).sum())
                b_only = int(((x == 0) & (y == 1)).sum())
                pv = 1.0 if a_only + b_only == 0 else binomtest(a_only, a_only + b_only, 0.5).pvalue
                comparisons.append({"a": a, "b": b, "metric": m, "test": "mcnemar-exact", "p": float(pv),
                                    "a_only": a_only, "b_only": b_only})
            boot_delta = d[boot].mean(axis=1)
            count = int((np.abs(boot_delta - delta) >= abs(delta) - TOL).sum())
            comparisons.append({"a": a, "b": b, "metric": m, "test": "paired-bootstrap",
                                "p": (count + 1) / (R + 1)})
            rand_delta = (signs * d).mean(axis=1)
            count = int((np.abs(rand_delta) >= abs(delta) - TOL).sum())
            comparisons.append({"a": a, "b": b, "metric": m, "test": "randomization",
                                "p": (count + 1) / (R + 1)})

    # Exact McNemar at large discordant counts, where log-space binomial sums lose digits.
    binomial = [{"k": k, "m": m, "p": float(binomtest(k, m, 0.5).pvalue)}
                for k, m in [(3, 10), (1450, 3000), (1480, 3000), (1500, 3001), (900, 2000), (40, 1000)]]

    raw = [c["p"] for c in comparisons]
    holm = multipletests(raw, alpha=0.05, method="holm")[1]

    out = {
        "script": "tools/reference/statistics_reference.py",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": importlib.metadata.version("scipy"),
        "statsmodels": importlib.metadata.version("statsmodels"),
        "seed": SEED,
        "n": N,
        "resamples": R,
        "tie_tolerance": TOL,
        "level": LEVEL,
        "intervals": intervals,
        "comparisons": comparisons,
        "binomial": binomial,
        "holm": {"p": raw, "adjusted": [float(x) for x in holm]},
    }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}/predictions.tsv, resampling_plan.txt, reference.json")


if __name__ == "__main__":
    main()
