#!/usr/bin/env bash
# RaditKernels forward+backward vs PyTorch CPU on the same shapes, same thread count.
# Ours runs on the SIMD path start-up picks (the widest the CPU has) and, for the same-run
# before/after, forced to the baseline path (RADIT_SIMD=baseline); the three passes
# alternate for ROUNDS rounds and each keeps its best median per kernel, so a load spike
# hits all sides alike.
# PEER_PYTHON=/path/to/python skips installing the peer into .venv-bench.
# THREADS=n sets BLAS / torch threads (default 1: our elementwise kernels are single-threaded).
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS="${THREADS:-1}"
ROUNDS="${ROUNDS:-3}"
if [ -z "${PEER_PYTHON:-}" ]; then
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  .venv-bench/bin/python -c "import torch" 2>/dev/null || .venv-bench/bin/pip install --quiet torch numpy
  PEER_PYTHON=.venv-bench/bin/python
fi
swift build -c release -Xswiftc -enable-testing --product bench-kernels >/dev/null
BIN=$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/bench-kernels
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ours=""; base=""; peer=""
for r in $(seq "$ROUNDS"); do
  ours+=$("$BIN" --threads "$THREADS")$'\n'
  base+=$(RADIT_SIMD=baseline "$BIN" --threads "$THREADS")$'\n'
  peer+=$("$PEER_PYTHON" benchmarks/kernels/peer.py --threads "$THREADS")$'\n'
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
report=$(python3 - "$ours" "$base" "$peer" <<'PY'
import sys
def parse(text):
    rows, meta = {}, []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            if line[1:].strip() not in meta:
                meta.append(line[1:].strip())
            continue
        *name, ms = line.split()
        name = " ".join(name)
        rows[name] = min(rows.get(name, float("inf")), float(ms))
    return rows, meta
ours, om = parse(sys.argv[1])
base, bm = parse(sys.argv[2])
peer, pm = parse(sys.argv[3])
print("| kernel (fwd+bwd, Float32) | Radit ms (dispatched) | Radit ms (baseline path) | PyTorch ms | speed ratio torch/radit | dispatched vs baseline |")
print("|---|---:|---:|---:|---:|---:|")
for name, ms in ours.items():
    p, b = peer.get(name), base.get(name)
    print(f"| {name} | {ms:.2f} | {b:.2f} | {p:.2f} | {p / ms:.2f} | {b / ms:.2f} |" if p and b else f"| {name} | {ms:.2f} | – | – | – | – |")
print()
print("Radit: " + "; ".join(om) + "  \nRadit forced: " + "; ".join(bm) + "  \nPeer: " + "; ".join(pm))
PY
)
echo "$report"
{
  echo
  echo "## RaditKernels vs PyTorch CPU ($(date -u +%Y-%m-%dT%H:%MZ), threads=$THREADS)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores visible; vector flags: $(grep -o -w 'sse2\|avx\|avx2\|fma\|avx512f\|avx512bw\|avx512vl\|avx512dq\|neon\|asimd' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "Load average before/after: $LOAD_BEFORE / $LOAD_AFTER."
  echo "Best of $ROUNDS interleaved rounds (ours dispatched, ours baseline, PyTorch), each a median of 7 runs after 2 warm-ups; ratio > 1 means Radit is faster."
  echo
  echo "$report"
} >> benchmarks/RESULTS.md
