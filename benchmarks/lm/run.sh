#!/usr/bin/env bash
# bench-lm: Radit's Llama scoring forward and train step vs PyTorch CPU (same configs,
# same token counts, same thread count) in one run; appends a section to RESULTS.md.
# PEER_PYTHON=/path/to/python skips installing the peer into .venv-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BENCH_THREADS="${BENCH_THREADS:-2}" BENCH_REPEATS="${BENCH_REPEATS:-3}"
export OPENBLAS_NUM_THREADS="$BENCH_THREADS" OMP_NUM_THREADS="$BENCH_THREADS"
if [ -z "${PEER_PYTHON:-}" ]; then
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q torch transformers
  PEER_PYTHON=.venv-bench/bin/python
fi
swift build -c release -Xswiftc -enable-testing --product bench-lm >/dev/null
ours=$(.build/release/bench-lm "$@")
peer=$("$PEER_PYTHON" benchmarks/lm/peer.py "$@")
echo "$ours"
echo "$peer"
python3 - "$ours" "$peer" <<'PY' >> benchmarks/RESULTS.md
import json, os, subprocess, sys, datetime
ours = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
peer = {d["case"]: d for d in (json.loads(l) for l in sys.argv[2].splitlines() if l.strip())}
cpu = subprocess.run(["sh", "-c", "lscpu | grep 'Model name' | sed 's/.*: *//'"], capture_output=True, text=True).stdout.strip()
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
print(f"\n## bench-lm — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
print(f"Machine: {cpu}, {cores} cores. BLAS: {ours[0]['blas']}. Threads: {ours[0]['threads']} (Radit BLAS) / "
      f"{ours[0]['threads']} (torch.set_num_threads). sgemm peak (1024³): {ours[0]['sgemm_gflops']:.1f} GFLOP/s. Medians of {os.environ.get('BENCH_REPEATS', '3')} repeats.\n")
print("| case | task | Radit tok/s | PyTorch tok/s | ratio | Radit GFLOP/s | % sgemm peak |")
print("|---|---|---:|---:|---:|---:|---:|")
for o in ours:
    p = peer.get(o["case"], {})
    for task, key in (("score (B×T, answer 32)", "score"), ("train step (full FT, AdamW)", "train")):
        r = o[f"{key}_tokens_per_s"]; q = p.get(f"{key}_tokens_per_s", float("nan"))
        print(f"| {o['case']} | {task} | {r:.0f} | {q:.0f} | {r / q:.2f}× | {o[f'{key}_gflops']:.1f} | {o[f'{key}_pct_peak']:.0f}% |")
PY
