"""PyTorch (CPU, float32) peer of bench-kernels: the same shapes, forward + backward
through autograd, median of repeats after warm-up. Prints `name median_ms` lines."""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
print(f"# torch {torch.__version__} threads {torch.get_num_threads()}")


def timed(name, fn, warmup=2, repeats=7):
    for _ in range(warmup):
        fn()
    t = []
    for _ in range(repeats):
        s = time.perf_counter()
        fn()
        t.append((time.perf_counter() - s) * 1e3)
    print(name, round(statistics.median(t), 3))


def u(*shape, scale=1.0):
    return ((torch.rand(*shape) * 2 - 1) * scale).requires_grad_()


n, v = 512, 49152
logits = u(n, v, scale=4)
targets = torch.randint(0, v, (n,))
targets[3] = -100
timed("cross_entropy_fwd_bwd N=512 V=49152",
      lambda: F.cross_entropy(logits, targets, ignore_index=-100).backward())

b, t, h, hkv, dh = 4, 256, 9, 3, 64
q, k, vv = u(b, h, t, dh), u(b, hkv, t, dh), u(b, hkv, t, dh)
go = torch.rand(b, h, t, dh)
timed("attention_fwd_bwd B=4 T=256 H=9 Hkv=3 Dh=64",
      lambda: F.scaled_dot_product_attention(q, k, vv, is_causal=True, enable_gqa=True).backward(go))

n, c, f = 1024, 576, 1536
x, w = u(n, c), u(c)
gy = torch.rand(n, c)
timed("rmsnorm_fwd_bwd N=1024 C=576", lambda: F.rms_norm(x, (c,), w, 1e-5).backward(gy))
g, up = u(n, f), u(n, f)
gf = torch.rand(n, f)
timed("swiglu_fwd_bwd N=1024 F=1536", lambda: (F.silu(g) * up).backward(gf))

xr = u(4, 256, 9, 64)
pos = torch.arange(1024).reshape(4, 256) % 256
inv = 1.0 / (100000.0 ** (torch.arange(0, 64, 2).float() / 64))
gr = torch.rand(4, 256, 9, 64)


def rope():
    # Per-call angle computation, as the Swift kernel does (HF rotate_half formula).
    fr = pos[..., None].float() * inv
    emb = torch.cat([fr, fr], -1)[:, :, None, :]
    rot = torch.cat([-xr[..., 32:], xr[..., :32]], -1)
    (xr * emb.cos() + rot * emb.sin()).backward(gr)


timed("rope_fwd_bwd N=1024 H=9 Dh=64", rope)

n, c, f = 2048, 384, 1536
x2, w2, b2 = u(n, c), u(c), u(c)
gy2 = torch.rand(n, c)
timed("layernorm_fwd_bwd N=2048 C=384", lambda: F.layer_norm(x2, (c,), w2, b2, 1e-12).backward(gy2))
a = u(n, f)
ga = torch.rand(n, f)
timed("gelu_exact_fwd_bwd N=2048 F=1536", lambda: F.gelu(a).backward(ga))

n, i, o = 1024, 576, 1536
xl, wl = u(n, i), u(o, i)
gl = torch.rand(n, o)
timed("linear_fwd_bwd N=1024 576->1536", lambda: F.linear(xl, wl).backward(gl))
