#!/usr/bin/env python3
"""Builds the benchmark input: 10,000 passages of real English text from the shared
samples (HotpotQA paragraphs and XQuAD contexts), each 4 sentences chosen by a fixed
stride so the passages differ. Writes a JSON list to argv[1]."""
import json
import re
import sys
from pathlib import Path

data = Path(__file__).resolve().parents[2].parent / "shared" / "data"
sentences = []
for q in json.load(open(data / "hotpotqa_dev_distractor_sample100" / next(p.name for p in (data / "hotpotqa_dev_distractor_sample100").iterdir() if p.suffix == ".json"))):
    for title, sents in q["context"]:
        sentences += [s.strip() for s in sents if s.strip()]
for article in json.load(open(next((data / "xquad_en").glob("*.json"))))["data"]:
    for p in article["paragraphs"]:
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", p["context"]) if s]
n = len(sentences)
passages = [" ".join(sentences[(i * 7919 + j * 104729) % n] for j in range(4)) for i in range(10000)]
json.dump(passages, open(sys.argv[1], "w"))
print(f"{len(passages)} passages from {n} sentences, {sum(len(p.encode()) for p in passages) / 1e6:.2f} MB")
