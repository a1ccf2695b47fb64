#!/usr/bin/env bash
# bench-serve: p50/p95/p99 latency of 200 concurrent scoring requests (/v1/completions,
# echo + logprobs + max_tokens 0) against an in-process `radit serve` on loopback, beside
# the native per-pair scoring time; appends a section to RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BENCH_THREADS="${BENCH_THREADS:-2}" OPENBLAS_NUM_THREADS="${BENCH_THREADS:-2}"
before=$(cut -d' ' -f1-3 /proc/loadavg)
swift build -c release -Xswiftc -enable-testing --product bench-serve >/dev/null
ours=$(.build/release/bench-serve "$@")
echo "$ours"
python3 - "$ours" "$before" <<'PY' >> benchmarks/RESULTS.md
import json, subprocess, sys, datetime
o = json.loads(sys.argv[1])
cpu = subprocess.run(["sh", "-c", "lscpu | grep 'Model name' | sed 's/.*: *//'"], capture_output=True, text=True).stdout.strip()
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
print(f"\n## bench-serve — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
print(f"Machine: {cpu}, {cores} cores; load average {sys.argv[2]} before, "
      f"{o['loadavg_end']} after. Model SmolLM2-135M-Instruct (Q4_1 → F32), one serial model worker, "
      f"BLAS threads {subprocess.os.environ.get('BENCH_THREADS', '2')}. {o['requests']} scoring requests "
      f"(`/v1/completions`, echo + logprobs 0 + max_tokens 0, ~40-token texts) sent at once by "
      f"{o['concurrency']} client threads over {o['connections']} kept-alive libcurl connections.\n")
print("| p50 ms | p95 ms | p99 ms | max ms | wall s | requests/s | failed | native ms/pair |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {o['p50_ms']:.0f} | {o['p95_ms']:.0f} | {o['p99_ms']:.0f} | {o['max_ms']:.0f} | {o['wall_s']:.1f} | "
      f"{o['requests_per_s']:.1f} | {o['failed']} | {o['native_ms_per_pair']:.1f} |")
print("\nThe model serves one request at a time, so latency under 200 concurrent requests is queueing: "
      "p50 ≈ half the wall time; requests/s × native ms/pair near 1000 means HTTP adds little.")
PY
