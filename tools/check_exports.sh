#!/usr/bin/env bash
# Runs tools/check_exports.py (radit export vs transformers / sentence-transformers).
# Uses $PEER_PYTHON when set (a Python with torch, transformers, sentence-transformers);
# otherwise makes .venv-check-exports/ and installs them from PyPI by package name.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PEER_PYTHON:-}" ]; then
  venv=.venv-check-exports
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet torch transformers tokenizers sentence-transformers safetensors numpy
  fi
  PEER_PYTHON="$venv/bin/python"
fi
[ -x .build/release/radit ] || swift build -c release -Xswiftc -enable-testing --product radit
exec "$PEER_PYTHON" tools/check_exports.py "$@"
