#!/usr/bin/env bash
# Encode throughput: native BertEncoder vs sentence-transformers (PyTorch CPU), same run,
# 2 threads, max length 128, batch 32 and 128; ours and the peer alternate for ROUNDS
# rounds and each keeps its best median. Then `radit embed` of a real corpus against
# sentence-transformers `encode` (below). Appends a section to benchmarks/RESULTS.md.
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
# `radit embed` of a real corpus (every distinct paragraph of ../shared/data's HotpotQA sample
# and XQuAD, title + text, at radit embed's defaults: max length 256, batch 32) against
# sentence-transformers `encode` of the same texts. Radit's time is the whole command (model
# load, tokenising, HDF5 write included); the peer's is `encode` alone. The peer also checks
# the two embeddings agree. Skipped, and said so, without ../shared/data.
CORPUS_ROW=""
SHARED=../shared/data
if [ -f "$SHARED/hotpotqa_dev_distractor_sample100/hotpot_dev_distractor_sample100.json" ] && [ -f "$SHARED/xquad_en/xquad.en.json" ]; then
    swift build -c release -Xswiftc -enable-testing --product radit
    RADIT=$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/radit
    WORK=$(mktemp -d)
    DOCS=$("$PEER_PYTHON" benchmarks/encoder/corpus.py "$SHARED/hotpotqa_dev_distractor_sample100/hotpot_dev_distractor_sample100.json" \
        "$SHARED/xquad_en/xquad.en.json" "$WORK/corpus.jsonl")
    BEST_OURS=""; BEST_PEER=""
    for r in $(seq "$ROUNDS"); do
        START=$(date +%s.%N)
        "$RADIT" embed --corpus "$WORK/corpus.jsonl" --out "$WORK/ours.h5" --model "$MODEL" --threads "$THREADS" --overwrite >/dev/null 2>&1
        OURS_S=$("$PEER_PYTHON" -c "print($(date +%s.%N) - $START)")
        P=$("$PEER_PYTHON" benchmarks/encoder/peer_corpus.py "$WORK/corpus.jsonl" "$MODEL" 256 32 "$THREADS" 1 "$WORK/ours.h5" 2>/dev/null | tail -1)
        BEST_OURS=$("$PEER_PYTHON" -c 'import sys; a=[float(x) for x in sys.argv[1:] if x]; print(min(a))' $BEST_OURS "$OURS_S")
        BEST_PEER=$("$PEER_PYTHON" -c 'import json,sys; a=[json.loads(x) for x in sys.argv[1:] if x]; print(json.dumps(min(a, key=lambda d: d["peer_median_s"])))' "$BEST_PEER" "$P")
    done
    echo "embed corpus: ours ${BEST_OURS}s, peer $BEST_PEER"
    CORPUS_ROW=$("$PEER_PYTHON" - "$BEST_OURS" "$BEST_PEER" "$DOCS" <<'PY'
import json, sys
ours, p, n = float(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
print(f"| `radit embed`, {n} HotpotQA + XQuAD paragraphs, max length 256, batch 32 | {n / ours:.1f} docs/s (whole command, {ours:.1f} s) "
      f"| {p['documents_per_s']:.1f} docs/s (`encode` alone, {p['peer_median_s']:.1f} s) | {(n / ours) / p['documents_per_s']:.2f}x "
      f"| largest element difference {p['max_abs_diff']:.1e}, smallest cosine {p['min_cosine']:.7f}; {p['tokens_truncated']} texts over 256 tokens |")
PY
)
    rm -rf "$WORK"
else
    CORPUS_ROW="| \`radit embed\` corpus case | skipped: $SHARED has no HotpotQA / XQuAD sample | | | |"
fi
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
    echo ""
    echo "Best of $ROUNDS alternating rounds. Goal ≥ 1.3×."
    echo ""
    echo "| corpus | ours | sentence-transformers | ratio | same embeddings? |"
    echo "|---|---|---|---|---|"
    echo "$CORPUS_ROW"
} >> benchmarks/RESULTS.md
