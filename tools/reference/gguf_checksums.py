#!/usr/bin/env python3
"""Reference for the GGUF reader: dequantises every tensor of the SmolLM2 GGUF with the
`gguf` package and records, per tensor, its type, dims (GGUF order, fastest first), numpy
shape (row-major, reversed dims), a checksum of the float32 bit patterns and sample values.
Also dequantises seeded random blocks of every supported type (F16, BF16, Q8_0, Q4_0, Q4_1,
Q4_K, Q6_K), since the model file itself holds only F32, Q8_0 and Q4_1.

Checksum (cheap to compute in Swift over 540 MB, exact): with b_i the uint32 bit pattern
of value i, `wsum = sum(b_i * (2*i + 1)) mod 2**64` and `xor = XOR of b_i`.

Usage: tools/reference/gguf_checksums.py [model.gguf] > Tests/Fixtures/gguf/smollm2_q4_1.json
"""
import json
import sys
from importlib.metadata import version

import numpy as np
import gguf
from gguf.quants import dequantize

path = sys.argv[1] if len(sys.argv) > 1 else "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"


def checksum(values: np.ndarray):
    bits = np.ascontiguousarray(values, dtype=np.float32).reshape(-1).view(np.uint32).astype(np.uint64)
    idx = np.arange(bits.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        wsum = int(np.sum(bits * (np.uint64(2) * idx + np.uint64(1)), dtype=np.uint64))
    xor = int(np.bitwise_xor.reduce(bits)) if bits.size else 0
    return wsum, xor


def samples(values: np.ndarray):
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
    n = flat.size
    picks = sorted(set([0, 1, 2, 31, 32, n // 3, n // 2, n - 1]) & set(range(n)))
    return [[i, int(flat[i:i + 1].view(np.uint32)[0])] for i in picks]


reader = gguf.GGUFReader(path)
tensors = []
for t in reader.tensors:
    values = dequantize(t.data, t.tensor_type)
    wsum, xor = checksum(values)
    dims = [int(d) for d in t.shape]
    tensors.append({
        "name": t.name,
        "type": t.tensor_type.name,
        "dims": dims,
        "shape": list(reversed(dims)),
        "numpy_shape": [int(s) for s in values.shape],
        "wsum": str(wsum),
        "xor": str(xor),
        "samples": samples(values),
    })

# Seeded random blocks of every type Radit dequantises; scales forced finite.
rng = np.random.default_rng(20261122)
synthetic = []
for qt, nblocks in [("F16", 64), ("BF16", 64), ("Q8_0", 4), ("Q4_0", 4), ("Q4_1", 4), ("Q4_K", 2), ("Q6_K", 2)]:
    qtype = gguf.GGMLQuantizationType[qt]
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, size=(nblocks, size), dtype=np.uint8)
    def finite_half(a, col):  # set an f16 field to a random finite value in [-2, 2]
        a[:, col:col + 2] = rng.uniform(-2, 2, size=(a.shape[0], 1)).astype(np.float16).view(np.uint8)
    if qt == "F16":
        raw = rng.normal(size=nblocks * size // 2).astype(np.float16).view(np.uint8).reshape(nblocks, size)
    elif qt == "BF16":
        f = rng.normal(size=nblocks * size // 2).astype(np.float32).view(np.uint32)
        raw = (f >> 16).astype(np.uint16).view(np.uint8).reshape(nblocks, size)
    elif qt in ("Q8_0", "Q4_0"):
        finite_half(raw, 0)
    elif qt in ("Q4_1", "Q4_K"):
        finite_half(raw, 0); finite_half(raw, 2)
    elif qt == "Q6_K":
        finite_half(raw, size - 2)
    values = dequantize(raw.reshape(-1), qtype).astype(np.float32)
    synthetic.append({
        "type": qt,
        "bytes": raw.reshape(-1).tobytes().hex(),
        "bits": [int(b) for b in values.reshape(-1).view(np.uint32)],
    })

meta = {k: f.contents() for k, f in reader.fields.items()
        if not k.startswith("tokenizer.ggml.") and not k.startswith("GGUF.")}
json.dump({
    "generator": "tools/reference/gguf_checksums.py",
    "versions": {"gguf": version("gguf"), "numpy": np.__version__},
    "file": path.split("/")[-1],
    "alignment": int(reader.alignment),
    "data_offset": int(reader.data_offset),
    "metadata": meta,
    "token_count": len(reader.fields["tokenizer.ggml.tokens"].data),
    "merge_count": len(reader.fields["tokenizer.ggml.merges"].data),
    "tensors": tensors,
    "synthetic": synthetic,
}, sys.stdout, indent=None, separators=(",", ":"))
