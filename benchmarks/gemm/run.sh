#!/usr/bin/env bash
# sgemm GFLOP/s: Radit's gemm (system OpenBLAS through RaditTensor) against numpy's matmul,
# both in this run; appends a dated section to benchmarks/RESULTS.md.
# PEER_PYTHON=/path/to/python skips installing the peer into .venv-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${PEER_PYTHON:-}" ]; then
  PY="$PEER_PYTHON"
else
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q numpy threadpoolctl
  PY=.venv-bench/bin/python
fi

swift build -c release -Xswiftc -enable-testing --product bench-gemm

THREADS="$(nproc),1"
[ "$(nproc)" = 1 ] && THREADS=1

# On some CPUs OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set because old OpenBLAS builds
# (such as the system one Radit links) need them; numpy's bundled, current OpenBLAS only
# runs slower with them, so the peer runs with both unset and reports its kernel.
.build/release/bench-gemm --threads "$THREADS" --rounds "${ROUNDS:-3}" --results benchmarks/RESULTS.md \
  --peer-command "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE '$PY' benchmarks/gemm/peer_numpy.py --threads $THREADS"
