#!/usr/bin/env bash
# Encode throughput: native BertEncoder vs sentence-transformers (PyTorch CPU), same run,
# 2 threads, max length 128, batch 32 and 128; ours and the peer alternate for ROUNDS
# rounds and each keeps its best median. Appends a section to benchmarks/RESULTS.md.
# PEER_PYTHON=/path/to/python skips installing the peer into .venv-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${MODEL:-models/all-MiniLM-L6-v2}
THREADS=${THREADS:-2}
SENTENCES=${SENTENCES:-128}
REPEATS=${REPEATS:-3}
ROUNDS=${ROUNDS:-2}
MAXLEN=128
if [ -z "${PEER_PYTHON:-}" ]; then
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install --quiet sentence-transformers torch
    PEER_PYTHON=.venv-bench/bin/python
fi
swift build -c release -Xswiftc -enable-testing --product bench-encoder
BIN=$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/bench-encoder
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
TEXTS=$(mktemp)
"$PEER_PYTHON" benchmarks/encoder/texts.py "$SENTENCES" "$TEXTS"
export OMP_NUM_THREADS=$THREADS
ROWS=""
for BATCH in 32 128; do
    OURS=""; PEER=""
    for r in $(seq "$ROUNDS"); do
        O=$("$BIN" "$TEXTS" "$MODEL" $MAXLEN $BATCH $THREADS $REPEATS)
        P=$("$PEER_PYTHON" benchmarks/encoder/peer.py "$TEXTS" "$MODEL" $MAXLEN $BATCH $THREADS $REPEATS 2>/dev/null | tail -1)
        # Keep each side's best round.
        OURS=$("$PEER_PYTHON" -c 'import json,sys; a=[json.loads(x) for x in sys.argv[1:] if x]; print(json.dumps(max(a, key=lambda d: d["sentences_per_s"])))' "$OURS" "$O")
        PEER=$("$PEER_PYTHON" -c 'import json,sys; a=[json.loads(x) for x in sys.argv[1:] if x]; print(json.dumps(max(a, key=lambda d: d["sentences_per_s"])))' "$PEER" "$P")
    done
    echo "batch $BATCH: ours $OURS"
    echo "batch $BATCH: peer $PEER"
    ROW=$("$PEER_PYTHON" - "$OURS" "$PEER" "$BATCH" <<'PY'
import json, sys
o, p, b = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(f"| {b} | {o['sentences_per_s']:.1f} | {p['sentences_per_s']:.1f} | {o['sentences_per_s'] / p['sentences_per_s']:.2f}x |")
PY
)
    echo "$ROW"
    ROWS+="$ROW"$'\n'
    BLAS=$(echo "$OURS" | "$PEER_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["blas"])')
    PEERV=$(echo "$PEER" | "$PEER_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print("torch " + d["torch"] + ", sentence-transformers " + d["sentence_transformers"])')
done
rm -f "$TEXTS"
{
    echo ""
    echo "## Encoder throughput (all-MiniLM-L6-v2), $(date -u +%Y-%m-%dT%H:%MZ)"
    echo ""
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load average before/after $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "BLAS: $BLAS; $THREADS threads both sides; Radit SIMD path $(echo "$OURS" | "$PEER_PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get("simd", "?"))'). Peer: $PEERV (CPU)."
    echo "$SENTENCES sentences of 8–120 words, max length $MAXLEN tokens, tokenisation included; best of $ROUNDS alternating rounds, each a median of $REPEATS after a warm-up. Goal ≥ 1.3×."
    echo ""
    echo "| batch | ours (sent/s) | sentence-transformers (sent/s) | ratio |"
    echo "|---|---|---|---|"
    printf "%s" "$ROWS"
} >> benchmarks/RESULTS.md
