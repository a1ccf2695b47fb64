#!/usr/bin/env bash
# FlatIndex / HNSWIndex vs FAISS and BM25Index vs bm25s, both sides in this run; appends
# a dated section to benchmarks/RESULTS.md. PEER_PYTHON=/path/to/python skips installing
# the peers into .venv-bench. THREADS (default 2) applies to both sides.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${PEER_PYTHON:-}" ]; then
  PY="$PEER_PYTHON"
else
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q numpy faiss-cpu bm25s
  PY=.venv-bench/bin/python
fi
THREADS="${THREADS:-2}"
DIR="${BENCH_DIR:-/tmp/radit-bench-index}"

swift build -c release -Xswiftc -enable-testing --product bench-index

.build/release/bench-index --dir "$DIR" --threads "$THREADS" --repeats "${REPEATS:-3}" \
  --results benchmarks/RESULTS.md \
  --peer-command "OMP_NUM_THREADS=$THREADS '$PY' benchmarks/index/peer_faiss_bm25s.py '$DIR' --threads $THREADS --repeats ${REPEATS:-3}"
