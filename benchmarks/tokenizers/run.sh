#!/usr/bin/env bash
# Tokenizer throughput (MB/s of UTF-8 input, encodeBatch of 10k passages) for MiniLM
# (WordPiece) and SmolLM2 (byte-level BPE) against Python `tokenizers` encode_batch, in the
# same run on the same passages. Appends a dated section to benchmarks/RESULTS.md.
# PEER_PYTHON=/path/to/python skips installing the peer into .venv-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEATS=${REPEATS:-5}
if [ -n "${PEER_PYTHON:-}" ]; then PY="$PEER_PYTHON"; else
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet --disable-pip-version-check tokenizers gguf numpy
  PY=.venv-bench/bin/python
fi
swift build -c release -Xswiftc -enable-testing --product bench-tokenizers >/dev/null
BIN=$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/bench-tokenizers
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$PY" benchmarks/tokenizers/make_passages.py "$work/passages.json"
CORES=$(nproc)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ours1=$("$BIN" "$work/passages.json" "$REPEATS" 1)
oursN=$("$BIN" "$work/passages.json" "$REPEATS" "$CORES")
peer1=$(RAYON_NUM_THREADS=1 "$PY" benchmarks/tokenizers/peer.py "$work/passages.json" "$REPEATS")
peerN=$(RAYON_NUM_THREADS=$CORES "$PY" benchmarks/tokenizers/peer.py "$work/passages.json" "$REPEATS")
"$PY" - "$ours1" "$oursN" "$peer1" "$peerN" "$CORES" "$REPEATS" "$LOAD_BEFORE" <<'PYEOF'
import json, subprocess, sys, datetime
o1, oN, p1, pN = (json.loads(a) for a in sys.argv[1:5]); cores, repeats, load = sys.argv[5], sys.argv[6], sys.argv[7]
cpu = next((l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines() if l.startswith("Model name")), "?")
rows = []
for name, label in [("minilm", "MiniLM WordPiece"), ("smollm2", "SmolLM2 byte-level BPE")]:
    for threads, o, p in [("1", o1, p1), (cores, oN, pN)]:
        ours = o["mb"] / o[name]["median_s"]; peer = p["mb"] / p[name]["median_s"]
        same = "yes" if o[name]["tokens"] == p[name]["tokens"] else f"NO ({o[name]['tokens']} vs {p[name]['tokens']})"
        rows.append(f"| {label} | {threads} | {ours:.2f} | {peer:.2f} | {ours / peer:.2f} | {same} |")
        print(f"{label:24s} threads={threads:>2}: radit {ours:7.2f} MB/s  tokenizers {peer:7.2f} MB/s  ratio {ours / peer:.2f}")
section = f"""
## Tokenizers — {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}
Machine: {cpu}, {cores} cores; load average {load} when the run began (Radit and the peer
ran back to back). No BLAS involved.
Input: 10,000 passages ({o1['mb']:.2f} MB UTF-8) of HotpotQA/XQuAD sentences; encodeBatch vs
Python `tokenizers` {p1['tokenizers']} `encode_batch` (RAYON_NUM_THREADS = threads), no truncation
or padding; median of {repeats} runs after a warm-up.

| tokenizer | threads | Radit MB/s | tokenizers MB/s | ratio | same token count |
|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open("benchmarks/RESULTS.md", "a").write(section)
PYEOF
