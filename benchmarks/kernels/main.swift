// Times RaditKernels forward+backward at the sizes of the default models (SmolLM2-135M:
// C=576, H=9, Hkv=3, Dh=64, F=1536, V=49152; MiniLM: C=384, H=12, Dh=32) in Float.
// Prints one line per kernel: `name median_ms`; run.sh runs the PyTorch peer on the same
// shapes and writes the comparison.
import RaditKernels
import RaditTensor
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func buffer(_ n: Int, _ rng: inout RandomSource, scale: Double = 1) -> UnsafeMutablePointer<Float> {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
    for i in 0..<n { p[i] = Float(rng.uniform(-scale, scale)) }
    return p
}

/// `--only PREFIX` times only kernels whose name starts with PREFIX (e.g. for callgrind).
let onlyPrefix: String? = CommandLine.arguments.firstIndex(of: "--only").flatMap {
    $0 + 1 < CommandLine.arguments.count ? CommandLine.arguments[$0 + 1] : nil
}

/// Median wall time in milliseconds over `repeats` runs after `warmup` runs.
func time(_ name: String, warmup: Int = 2, repeats: Int = 7, _ body: () -> Void) {
    if let onlyPrefix, !name.hasPrefix(onlyPrefix) { return }
    for _ in 0..<warmup { body() }
    var t: [Double] = []
    for _ in 0..<repeats {
        let s = now()
        body()
        t.append((now() - s) * 1e3)
    }
    t.sort()
    print(name, (t[t.count / 2] * 1000).rounded() / 1000)
}

var arguments = CommandLine.arguments.dropFirst()
var threads = 1
if let i = arguments.firstIndex(of: "--threads"), i + 1 < arguments.endIndex { threads = Int(arguments[i + 1]) ?? 1 }
BLASThreads.set(threads)
print("# blas", BLASThreads.configuration, "threads", BLASThreads.count)
print("# simd", SIMDPath.active.rawValue, "lanes", SIMDPath.active.lanes)

var rng = RandomSource(seed: 1)

do {   // Cross-entropy over the LM head: N = 512 tokens, V = 49152.
    let n = 512, v = 49152
    let logits = buffer(n * v, &rng, scale: 4), d = buffer(n * v, &rng)
    var targets = (0..<n).map { _ in Int32(rng.int(below: v)) }
    targets[3] = -100
    time("cross_entropy_fwd_bwd N=512 V=49152") {
        let r = crossEntropyForward(losses: nil, logits: logits, targets: targets, rows: n, vocab: v)
        crossEntropyBackward(dLogits: d, logits: logits, targets: targets, rows: n, vocab: v, dLoss: 1 + r.mean * 0)
    }
}

do {   // Causal GQA attention: B=4, T=256, H=9, Hkv=3, Dh=64.
    let b = 4, t = 256, h = 9, hkv = 3, dh = 64
    let q = buffer(b * t * h * dh, &rng), k = buffer(b * t * hkv * dh, &rng), v = buffer(b * t * hkv * dh, &rng)
    let out = buffer(b * t * h * dh, &rng), probs = buffer(b * h * t * t, &rng), scratch = buffer(t * t, &rng)
    let dq = buffer(b * t * h * dh, &rng), dk = buffer(b * t * hkv * dh, &rng), dv = buffer(b * t * hkv * dh, &rng)
    time("attention_fwd_bwd B=4 T=256 H=9 Hkv=3 Dh=64") {
        attentionForward(out: out, probs: probs, q: q, k: k, v: v, keyMask: nil, batch: b, queryLength: t, keyLength: t,
                         heads: h, kvHeads: hkv, headDim: dh, causal: true)
        attentionBackward(dQ: dq, dK: dk, dV: dv, dOut: out, q: q, k: k, v: v, probs: probs, scratch: scratch, batch: b,
                          queryLength: t, keyLength: t, heads: h, kvHeads: hkv, headDim: dh)
    }
}

do {   // RMSNorm, SwiGLU, RoPE at N = 1024 tokens.
    let n = 1024, c = 576, f = 1536
    let x = buffer(n * c, &rng), w = buffer(c, &rng), y = buffer(n * c, &rng), rstd = buffer(n, &rng)
    let dx = buffer(n * c, &rng), dw = buffer(c, &rng)
    time("rmsnorm_fwd_bwd N=1024 C=576") {
        rmsNormForward(out: y, rstd: rstd, input: x, weight: w, rows: n, dim: c, eps: 1e-5)
        rmsNormBackward(dInput: dx, dWeight: dw, dOut: y, input: x, weight: w, rstd: rstd, rows: n, dim: c)
    }
    let g = buffer(n * f, &rng), u = buffer(n * f, &rng), o = buffer(n * f, &rng)
    let dg = buffer(n * f, &rng), du = buffer(n * f, &rng)
    time("swiglu_fwd_bwd N=1024 F=1536") {
        swigluForward(out: o, gate: g, up: u, count: n * f)
        swigluBackward(dGate: dg, dUp: du, dOut: o, gate: g, up: u, count: n * f)
    }
    let positions = (0..<n).map { Int32($0 % 256) }
    let qr = buffer(n * 9 * 64, &rng), qo = buffer(n * 9 * 64, &rng)
    time("rope_fwd_bwd N=1024 H=9 Dh=64") {
        ropeForward(out: qo, input: qr, positions: positions, batch: 4, seqLen: 256, heads: 9, headDim: 64,
                    theta: 100_000, layout: .interleaved)
        ropeBackward(dInput: qr, dOut: qo, positions: positions, batch: 4, seqLen: 256, heads: 9, headDim: 64,
                     theta: 100_000, layout: .interleaved)
    }
}

do {   // MiniLM-sized LayerNorm and exact GELU: N = 2048 tokens, C = 384, F = 1536.
    let n = 2048, c = 384, f = 1536
    let x = buffer(n * c, &rng), w = buffer(c, &rng), bias = buffer(c, &rng), y = buffer(n * c, &rng)
    let mean = buffer(n, &rng), rstd = buffer(n, &rng), dx = buffer(n * c, &rng), dw = buffer(c, &rng), db = buffer(c, &rng)
    time("layernorm_fwd_bwd N=2048 C=384") {
        layerNormForward(out: y, mean: mean, rstd: rstd, input: x, weight: w, bias: bias, rows: n, dim: c, eps: 1e-12)
        layerNormBackward(dInput: dx, dWeight: dw, dBias: db, dOut: y, input: x, weight: w, mean: mean, rstd: rstd,
                          rows: n, dim: c)
    }
    let a = buffer(n * f, &rng), o = buffer(n * f, &rng), da = buffer(n * f, &rng)
    time("gelu_exact_fwd_bwd N=2048 F=1536") {
        geluForward(out: o, input: a, count: n * f, approximation: .exact)
        geluBackward(dInput: da, dOut: o, input: a, count: n * f, approximation: .exact)
    }
}

do {   // Linear (the matmul all of it is measured against): N=1024, 576 -> 1536, no bias.
    let n = 1024, i = 576, o = 1536
    let x = buffer(n * i, &rng), w = buffer(o * i, &rng), y = buffer(n * o, &rng)
    let dx = buffer(n * i, &rng), dw = buffer(o * i, &rng)
    time("linear_fwd_bwd N=1024 576->1536") {
        linearForward(out: y, input: x, weight: w, bias: nil, rows: n, inFeatures: i, outFeatures: o)
        linearBackward(dInput: dx, dWeight: dw, dBias: nil, dOut: y, input: x, weight: w, rows: n, inFeatures: i, outFeatures: o)
    }
}
