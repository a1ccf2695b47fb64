"""Peer for bench-encoder: sentence-transformers all-MiniLM-L6-v2 on PyTorch CPU, same
texts, max_seq_length, batch size and thread count; prints one JSON line."""
import json
import statistics
import sys
import time


def load_model(model_dir, max_length, threads):
    """The sentence-transformers pipeline of all-MiniLM-L6-v2 (mean pooling, normalised) on
    `threads` CPU threads."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    torch.set_num_threads(threads)
    transformer = models.Transformer(model_dir, max_seq_length=max_length)
    pooling = models.Pooling(384, pooling_mode="mean")
    return SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")


def timed_encode(model, texts, batch_size, repeats):
    """Median seconds of `repeats` encodes of `texts` after a warm-up, and the last embeddings."""
    model.encode(texts[:batch_size], batch_size=batch_size)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        embeddings = model.encode(texts, batch_size=batch_size)
        times.append(time.perf_counter() - start)
    return statistics.median(times), embeddings


if __name__ == "__main__":
    import sentence_transformers
    import torch
    texts_path, model_dir, max_length, batch_size, threads, repeats = sys.argv[1:7]
    max_length, batch_size, threads, repeats = int(max_length), int(batch_size), int(threads), int(repeats)
    texts = [t for t in open(texts_path, encoding="utf-8").read().split("\n") if t]
    median, _ = timed_encode(load_model(model_dir, max_length, threads), texts, batch_size, repeats)
    print(json.dumps({"peer_median_s": median, "sentences": len(texts), "sentences_per_s": len(texts) / median,
                      "torch": torch.__version__, "sentence_transformers": sentence_transformers.__version__,
                      "threads": torch.get_num_threads()}))
