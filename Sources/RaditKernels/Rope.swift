import RaditTensor

/// Which coordinates of a head vector form the rotated pairs in rotary position
/// embedding (RoPE, Su et al. 2021). Pair `i` (0 ≤ i < Dh/2) rotates by angle
/// `position · theta^(−2i/Dh)` in both layouts; only the pairing differs.
public enum RopeLayout: Sendable, Equatable {
    /// Pairs `(2i, 2i+1)`: the original paper, Meta's Llama code, GGUF/llama.cpp's
    /// `LLAMA_ROPE_TYPE_NORM` — the layout of Q/K weights *as stored in GGUF files*
    /// (llama.cpp's converter permutes HF's Q/K rows into it).
    case interleaved
    /// Pairs `(i, i + Dh/2)`: HF transformers' `rotate_half` layout (and GGUF NEOX type),
    /// matching Q/K weights as stored in HF safetensors checkpoints.
    case halfSplit
}

/// Applies RoPE: `out (B, T, H, Dh) = rotate(input (B, T, H, Dh))` with the angle of
/// token (b, t) taken from `positions (B, T)` (so left- or right-padded batches and KV
/// caches work). Rotation of a pair (a, b) by φ: `(a cos φ − b sin φ, a sin φ + b cos φ)`.
/// `out` may equal `input` (in place). Angles are computed in Double. `Dh` must be even.
@inlinable
public func ropeForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, positions: UnsafePointer<Int32>,
    batch: Int, seqLen: Int, heads: Int, headDim: Int, theta: Double, layout: RopeLayout
) {
    ropeApply(out: out, input: input, positions: positions, tokens: batch * seqLen,
              heads: heads, headDim: headDim, theta: theta, layout: layout, sign: 1, accumulate: false)
}

/// Backward of `ropeForward`: adds the inverse rotation of `dOut` into `dInput`
/// (the rotation is orthogonal, so its transpose is the rotation by −φ).
@inlinable
public func ropeBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, positions: UnsafePointer<Int32>,
    batch: Int, seqLen: Int, heads: Int, headDim: Int, theta: Double, layout: RopeLayout
) {
    ropeApply(out: dInput, input: dOut, positions: positions, tokens: batch * seqLen,
              heads: heads, headDim: headDim, theta: theta, layout: layout, sign: -1, accumulate: true)
}

/// Shared body: rotates by `sign · φ`, writing or adding. Cos/sin are computed once per
/// token into a stack buffer and reused across heads.
@inlinable
func ropeApply<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, positions: UnsafePointer<Int32>,
    tokens: Int, heads: Int, headDim: Int, theta: Double, layout: RopeLayout, sign: S, accumulate: Bool
) {
    precondition(headDim % 2 == 0, "rope: head dimension \(headDim) must be even")
    let half = headDim / 2
    if half == 0 || tokens == 0 || heads == 0 { return }
    withUnsafeTemporaryAllocation(of: Double.self, capacity: half) { freq in
        for i in 0..<half { freq[i] = Double.pow(theta, -2 * Double(i) / Double(headDim)) }
        withUnsafeTemporaryAllocation(of: S.self, capacity: 2 * half) { table in
            let cosT = table.baseAddress!, sinT = table.baseAddress! + half
            // Interleaved: pair i at (2i, 2i+1); half-split: (i, i+half).
            let stride = layout == .interleaved ? 2 : 1
            let partner = layout == .interleaved ? 1 : half
            for n in 0..<tokens {
                let p = Double(positions[n])
                for i in 0..<half {
                    let a = p * freq[i]
                    cosT[i] = S(Double.cos(a))
                    sinT[i] = sign * S(Double.sin(a))
                }
                for h in 0..<heads {
                    let base = (n * heads + h) * headDim
                    let x = input + base, y = out + base
                    if accumulate {
                        for i in 0..<half {
                            let j = i * stride
                            let a = x[j], b = x[j + partner]
                            y[j] += a * cosT[i] - b * sinT[i]
                            y[j + partner] += a * sinT[i] + b * cosT[i]
                        }
                    } else {
                        for i in 0..<half {
                            let j = i * stride
                            let a = x[j], b = x[j + partner]
                            y[j] = a * cosT[i] - b * sinT[i]
                            y[j + partner] = a * sinT[i] + b * cosT[i]
                        }
                    }
                }
            }
        }
    }
}

/// Naive twin of `ropeForward`: angles recomputed per element from the definition.
@inlinable
public func ropeForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, positions: UnsafePointer<Int32>,
    batch: Int, seqLen: Int, heads: Int, headDim: Int, theta: Double, layout: RopeLayout
) {
    let half = headDim / 2
    for n in 0..<(batch * seqLen) {
        for h in 0..<heads {
            let base = (n * heads + h) * headDim
            for i in 0..<half {
                let angle = Double(positions[n]) * Double.pow(theta, -2 * Double(i) / Double(headDim))
                let (j, k) = layout == .interleaved ? (2 * i, 2 * i + 1) : (i, i + half)
                let a = input[base + j], b = input[base + k]
                out[base + j] = a * S(Double.cos(angle)) - b * S(Double.sin(angle))
                out[base + k] = a * S(Double.sin(angle)) + b * S(Double.cos(angle))
            }
        }
    }
}

/// Naive twin of `ropeBackward`: `dInput += Rᵀ dOut` pair by pair.
@inlinable
public func ropeBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, positions: UnsafePointer<Int32>,
    batch: Int, seqLen: Int, heads: Int, headDim: Int, theta: Double, layout: RopeLayout
) {
    let half = headDim / 2
    for n in 0..<(batch * seqLen) {
        for h in 0..<heads {
            let base = (n * heads + h) * headDim
            for i in 0..<half {
                let angle = Double(positions[n]) * Double.pow(theta, -2 * Double(i) / Double(headDim))
                let (j, k) = layout == .interleaved ? (2 * i, 2 * i + 1) : (i, i + half)
                let c = S(Double.cos(angle)), s = S(Double.sin(angle))
                let ga = dOut[base + j], gb = dOut[base + k]
                dInput[base + j] += ga * c + gb * s
                dInput[base + k] += -ga * s + gb * c
            }
        }
    }
}
