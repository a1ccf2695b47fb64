#!/usr/bin/env python3
"""Python `tokenizers` peer: encode_batch throughput on the same passages, for MiniLM
(tokenizer.json, truncation and padding off) and SmolLM2 (built from the GGUF as in
tools/reference/tokenizer_fixture.py). Prints one JSON object."""
import json
import os
import statistics
import sys
import time
from importlib.metadata import version

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "reference"))
from tokenizers import Tokenizer  # noqa: E402

passages = json.load(open(sys.argv[1]))
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
mb = sum(len(p.encode()) for p in passages) / 1e6

import importlib.util  # noqa: E402
spec = importlib.util.spec_from_file_location("fixture", os.path.join(os.path.dirname(__file__), "..", "..", "tools", "reference", "tokenizer_fixture.py"))
src = open(spec.origin).read().replace("\nmain()\n", "\n")
fixture = {}
exec(compile(src, spec.origin, "exec"), fixture)

mini = Tokenizer.from_file("models/all-MiniLM-L6-v2/tokenizer.json")
mini.no_truncation(); mini.no_padding()
smol = fixture["smollm2_tokenizer"]()
out = {"tokenizers": version("tokenizers"), "threads": os.environ.get("RAYON_NUM_THREADS", "default"), "mb": mb}
for name, tok in [("minilm", mini), ("smollm2", smol)]:
    tok.encode_batch(passages[:1000])
    times, tokens = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        enc = tok.encode_batch(passages)
        times.append(time.perf_counter() - t)
        tokens = sum(len(e.ids) for e in enc)
    out[name] = {"median_s": statistics.median(times), "tokens": tokens}
print(json.dumps(out))
