"""Peer for bench-encoder: sentence-transformers all-MiniLM-L6-v2 on PyTorch CPU, same
texts, max_seq_length, batch size and thread count; prints one JSON line."""
import json
import statistics
import sys
import time

import torch
from sentence_transformers import SentenceTransformer, models

texts_path, model_dir, max_length, batch_size, threads, repeats = sys.argv[1:7]
max_length, batch_size, threads, repeats = int(max_length), int(batch_size), int(threads), int(repeats)
torch.set_num_threads(threads)
texts = open(texts_path, encoding="utf-8").read().split("\n")
texts = [t for t in texts if t]
transformer = models.Transformer(model_dir, max_seq_length=max_length)
pooling = models.Pooling(384, pooling_mode="mean")
model = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")
model.encode(texts[:batch_size], batch_size=batch_size)  # warm-up
times = []
for _ in range(repeats):
    start = time.perf_counter()
    model.encode(texts, batch_size=batch_size)
    times.append(time.perf_counter() - start)
median = statistics.median(times)
import sentence_transformers
print(json.dumps({"peer_median_s": median, "sentences": len(texts), "sentences_per_s": len(texts) / median,
                  "torch": torch.__version__, "sentence_transformers": sentence_transformers.__version__,
                  "threads": torch.get_num_threads()}))
