#!/usr/bin/env bash
# Runs tools/check_records.py (per-example records in run.h5 read by h5py and pandas).
# Uses $PEER_PYTHON when set (a Python with h5py, pandas, numpy); otherwise makes
# .venv-check-records/ and installs them from PyPI by package name.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PEER_PYTHON:-}" ]; then
  venv=.venv-check-records
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet h5py pandas numpy
  fi
  PEER_PYTHON="$venv/bin/python"
fi
[ -x .build/release/radit ] || swift build -c release -Xswiftc -enable-testing --product radit
exec "$PEER_PYTHON" tools/check_records.py "$@"
