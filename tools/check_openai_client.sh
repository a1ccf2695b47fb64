#!/usr/bin/env bash
# The official `openai` Python client against `radit serve` (SmolLM2): lists models,
# completes with logprobs (echo + max_tokens 0, and a short greedy continuation), streams
# a chat completion, and gets a 400 for a bad request. PEER_PYTHON=/path/to/python uses a
# Python that has `openai`; otherwise it is installed into .venv-openai.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${MODEL:-models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf}"
RADIT="${RADIT:-.build/release/radit}"
if [ -n "${PEER_PYTHON:-}" ]; then
  PY="$PEER_PYTHON"
else
  [ -x .venv-openai/bin/python ] || python3 -m venv .venv-openai
  .venv-openai/bin/pip install -q openai
  PY=.venv-openai/bin/python
fi
[ -x "$RADIT" ] || swift build -c release -Xswiftc -enable-testing --product radit >/dev/null
log="$(mktemp)"
"$RADIT" serve "$MODEL" --port 0 --name smollm2 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'http://[0-9.]*:[0-9]*/v1' "$log" || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "radit serve exited" >&2; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { cat "$log"; echo "radit serve did not start in 120 s" >&2; exit 1; }
echo "server: $url"
"$PY" tools/check_openai_client.py "$url" smollm2
