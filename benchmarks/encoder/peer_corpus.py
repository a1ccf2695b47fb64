"""Peer for the `radit embed` corpus case: sentence-transformers all-MiniLM-L6-v2 `encode` of the
same corpus JSONL (title + " " + text, as Radit indexes a chunk), same max_seq_length, batch size
and threads. Only `encode` is timed (model load excluded); Radit's figure is its whole command.
With a Radit embeddings file it also reports the largest element difference and the smallest
cosine between the two embeddings of each record, so the speed is compared on equal output.
Prints one JSON line."""
import json
import sys

import numpy as np

from peer import load_model, timed_encode

corpus, model_dir, max_length, batch_size, threads, repeats = sys.argv[1:7]
ours = sys.argv[7] if len(sys.argv) > 7 else None
max_length, batch_size, threads, repeats = int(max_length), int(batch_size), int(threads), int(repeats)
records = [json.loads(line) for line in open(corpus, encoding="utf-8") if line.strip()]
texts = [(r["title"] + " " + r["text"]) if r.get("title") else r["text"] for r in records]
model = load_model(model_dir, max_length, threads)
median, embeddings = timed_encode(model, texts, batch_size, repeats)
result = {"peer_median_s": median, "documents": len(texts), "documents_per_s": len(texts) / median,
          "tokens_truncated": sum(len(model.tokenizer(t)["input_ids"]) > max_length for t in texts)}
if ours:
    import h5py
    with h5py.File(ours, "r") as f:
        theirs = np.asarray(f["embeddings"], dtype=np.float64)
        ids = [i.decode() if isinstance(i, bytes) else i for i in f["ids"][()]]
    assert ids == [r["_id"] for r in records], "the embeddings file's ids are not the corpus's, in order"
    e = embeddings.astype(np.float64)
    result["max_abs_diff"] = float(np.abs(theirs - e).max())
    result["min_cosine"] = float(((theirs * e).sum(1) / np.linalg.norm(theirs, axis=1) / np.linalg.norm(e, axis=1)).min())
print(json.dumps(result))
