#!/usr/bin/env python3
"""Reference for the safetensors reader: every tensor of all-MiniLM-L6-v2's
model.safetensors (name, dtype, shape, checksum of float32 bit patterns as in
gguf_checksums.py, samples), plus a small file with F32/F16/BF16 tensors written by the
`safetensors` package (committed) with their float32 values.

Usage: tools/reference/safetensors_reference.py [model.safetensors]
writes Tests/Fixtures/safetensors/{minilm.json, dtypes.safetensors, dtypes.json}
"""
import json
import sys
from importlib.metadata import version

import numpy as np
import torch
from safetensors.numpy import load_file
from safetensors.torch import save_file

path = sys.argv[1] if len(sys.argv) > 1 else "models/all-MiniLM-L6-v2/model.safetensors"
out = "Tests/Fixtures/safetensors"


def checksum(values):
    bits = np.ascontiguousarray(values, dtype=np.float32).reshape(-1).view(np.uint32).astype(np.uint64)
    idx = np.arange(bits.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        wsum = int(np.sum(bits * (np.uint64(2) * idx + np.uint64(1)), dtype=np.uint64))
    return str(wsum), str(int(np.bitwise_xor.reduce(bits)) if bits.size else 0)


def samples(values):
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
    n = flat.size
    picks = sorted(set([0, 1, n // 2, n - 1]) & set(range(n)))
    return [[i, int(flat[i:i + 1].view(np.uint32)[0])] for i in picks]


with open(path, "rb") as f:
    n = int.from_bytes(f.read(8), "little")
    header = json.loads(f.read(n))
tensors = []
for name, arr in load_file(path).items():
    wsum, xor = checksum(arr)
    tensors.append({"name": name, "dtype": header[name]["dtype"], "shape": list(arr.shape),
                    "wsum": wsum, "xor": xor, "samples": samples(arr)})
tensors.sort(key=lambda t: t["name"])
versions = {"safetensors": version("safetensors"), "numpy": np.__version__, "torch": torch.__version__}
json.dump({"generator": "tools/reference/safetensors_reference.py", "versions": versions,
           "tensors": tensors}, open(f"{out}/minilm.json", "w"), indent=None, separators=(",", ":"))

g = torch.Generator().manual_seed(7)
small = {
    "a.f32": torch.randn(3, 5, generator=g),
    "b.f16": torch.randn(2, 3, 4, generator=g).to(torch.float16),
    "c.bf16": torch.randn(7, generator=g).to(torch.bfloat16),
    "d.scalar": torch.tensor(1.5),
}
save_file(small, f"{out}/dtypes.safetensors", metadata={"format": "pt"})
json.dump({"generator": "tools/reference/safetensors_reference.py", "versions": versions,
           "tensors": {k: {"shape": list(v.shape), "bits": [int(b) for b in v.float().numpy().reshape(-1).view(np.uint32)]}
                       for k, v in small.items()},
           # F16/BF16 conversions of a fixed float32 vector, as the writer must round them.
           "round": {"f32": [int(b) for b in torch.randn(64, generator=g).mul(100).numpy().view(np.uint32)]}},
          open(f"{out}/dtypes.json", "w"))
d = json.load(open(f"{out}/dtypes.json"))
x = torch.from_numpy(np.array(d["round"]["f32"], dtype=np.uint32).view(np.float32))
d["round"]["f16"] = [int(b) for b in x.to(torch.float16).numpy().view(np.uint16)]
d["round"]["bf16"] = [int(b) for b in x.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)]
json.dump(d, open(f"{out}/dtypes.json", "w"))
