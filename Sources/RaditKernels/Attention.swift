import RaditSIMD
import RaditTensor

// Scaled dot-product self-attention (Vaswani et al. 2017) with grouped-query heads
// (Ainslie et al. 2023), optional causal mask and key padding mask.
//
// Layout (separate, not packed):
//   q, out   (B, Tq, H, Dh)   — exactly what a linear layer with O = H·Dh writes
//   k, v     (B, Tk, Hkv, Dh) — H % Hkv == 0; query head h reads kv head h / (H / Hkv)
//                                (HF `repeat_kv` and llama.cpp order)
//   probs    (B, H, Tq, Tk)   — saved attention probabilities; the backward needs them
//   keyMask  (B, Tk) UInt8    — 1 = real token, 0 = padding; nil = all keys valid
// Usually Tq == Tk == T. With Tq < Tk (a KV cache), query i sits at absolute position
// Tk − Tq + i, and the causal mask lets it see keys j ≤ Tk − Tq + i.
// A query row with no visible key (e.g. a left-padding query under a causal mask)
// gets all-zero probabilities and a zero output, never NaN.
// `scale` defaults to 1/√Dh.

/// Attention forward: `out = softmax(scale · q kᵀ + mask) v` per (batch, head), with
/// the score and value products done by `gemm` on strided views.
@inlinable
public func attentionForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, probs: UnsafeMutablePointer<S>,
    q: UnsafePointer<S>, k: UnsafePointer<S>, v: UnsafePointer<S>, keyMask: UnsafePointer<UInt8>?,
    batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int,
    causal: Bool, scale: S? = nil
) {
    precondition(kvHeads > 0 && heads % kvHeads == 0, "attention: heads \(heads) not a multiple of kvHeads \(kvHeads)")
    precondition(keyLength >= queryLength || !causal, "attention: causal with queryLength \(queryLength) > keyLength \(keyLength)")
    let Tq = queryLength, Tk = keyLength, Dh = headDim
    let group = heads / kvHeads
    let qRow = heads * Dh, kRow = kvHeads * Dh
    let alpha = scale ?? 1 / S(Dh).squareRoot()
    let shift = Tk - Tq
    for b in 0..<batch {
        let mask = keyMask.map { $0 + b * Tk }
        for h in 0..<heads {
            let kvh = h / group
            let qp = q + b * Tq * qRow + h * Dh
            let kp = k + b * Tk * kRow + kvh * Dh
            let vp = v + b * Tk * kRow + kvh * Dh
            let pp = probs + (b * heads + h) * Tq * Tk
            // scores (Tq, Tk) = alpha · q_bh (Tq, Dh) · k_bhᵀ (Dh, Tk)
            gemm(.none, .transposed, m: Tq, n: Tk, k: Dh, alpha: alpha,
                 a: qp, lda: max(1, qRow), b: kp, ldb: max(1, kRow), beta: 0, c: pp, ldc: max(1, Tk))
            for i in 0..<Tq {
                let row = pp + i * Tk
                let limit = causal ? min(Tk, shift + i + 1) : Tk
                maskedSoftmaxRow(row, count: Tk, limit: limit, mask: mask)
            }
            // out_bh (Tq, Dh) = probs (Tq, Tk) · v_bh (Tk, Dh)
            gemm(.none, .none, m: Tq, n: Dh, k: Tk, a: pp, lda: max(1, Tk), b: vp, ldb: max(1, kRow),
                 beta: 0, c: out + b * Tq * qRow + h * Dh, ldc: max(1, qRow))
        }
    }
}

/// In-place softmax of `row[0..<limit]` over keys with `mask[j] != 0`; everything else
/// becomes 0. A row with no visible key becomes all zeros.
@inlinable
func maskedSoftmaxRow<S: BLASScalar>(_ row: UnsafeMutablePointer<S>, count: Int, limit: Int, mask: UnsafePointer<UInt8>?) {
    if S.self == Float.self {
        // Fused: mask, max, exp-sum and normalise in one vector call per row.
        radit_softmax_masked_row(asFloat(row), count, limit, mask)
        return
    }
    var m = -S.infinity
    if let mask {
        for j in 0..<limit where mask[j] != 0 && row[j] > m { m = row[j] }
    } else {
        for j in 0..<limit where row[j] > m { m = row[j] }
    }
    if m == -S.infinity {
        for j in 0..<count { row[j] = 0 }
        return
    }
    var sum: S = 0
    if let mask {
        for j in 0..<limit {
            let e: S = mask[j] != 0 ? S.exp(row[j] - m) : 0
            row[j] = e
            sum += e
        }
    } else {
        for j in 0..<limit {
            let e = S.exp(row[j] - m)
            row[j] = e
            sum += e
        }
    }
    let inv = 1 / sum
    for j in 0..<limit { row[j] *= inv }
    for j in limit..<count { row[j] = 0 }
}

/// Attention backward; adds into `dQ (B, Tq, H, Dh)`, `dK`, `dV (B, Tk, Hkv, Dh)`.
/// Masks need not be passed again: masked probabilities are exactly zero, so they carry
/// no gradient. `scratch` holds Tq·Tk scalars. Per (b, h), with P the saved probs:
/// `dP = dO vᵀ`, `dv += Pᵀ dO`, `dS = P ⊙ (dP − rowsum(P ⊙ dP))`,
/// `dq += scale · dS k`, `dk += scale · dSᵀ q`.
@inlinable
public func attentionBackward<S: BLASScalar>(
    dQ: UnsafeMutablePointer<S>, dK: UnsafeMutablePointer<S>, dV: UnsafeMutablePointer<S>,
    dOut: UnsafePointer<S>, q: UnsafePointer<S>, k: UnsafePointer<S>, v: UnsafePointer<S>,
    probs: UnsafePointer<S>, scratch: UnsafeMutablePointer<S>,
    batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int,
    scale: S? = nil
) {
    precondition(kvHeads > 0 && heads % kvHeads == 0, "attention: heads \(heads) not a multiple of kvHeads \(kvHeads)")
    let Tq = queryLength, Tk = keyLength, Dh = headDim
    let group = heads / kvHeads
    let qRow = max(1, heads * Dh), kRow = max(1, kvHeads * Dh), ldp = max(1, Tk)
    let alpha = scale ?? 1 / S(Dh).squareRoot()
    for b in 0..<batch {
        for h in 0..<heads {
            let kvh = h / group
            let qOff = b * Tq * qRow + h * Dh, kOff = b * Tk * kRow + kvh * Dh
            let pp = probs + (b * heads + h) * Tq * Tk
            let dOp = dOut + qOff
            // dP (Tq, Tk) = dO (Tq, Dh) · vᵀ (Dh, Tk)
            gemm(.none, .transposed, m: Tq, n: Tk, k: Dh, a: dOp, lda: qRow, b: v + kOff, ldb: kRow,
                 beta: 0, c: scratch, ldc: ldp)
            // dv (Tk, Dh) += Pᵀ (Tk, Tq) · dO (Tq, Dh)
            gemm(.transposed, .none, m: Tk, n: Dh, k: Tq, a: pp, lda: ldp, b: dOp, ldb: qRow,
                 beta: 1, c: dV + kOff, ldc: kRow)
            // dS = P ⊙ (dP − Σ_j P dP)
            for i in 0..<Tq {
                let p = pp + i * Tk, d = scratch + i * Tk
                var s: S = 0
                for j in 0..<Tk { s += p[j] * d[j] }
                for j in 0..<Tk { d[j] = p[j] * (d[j] - s) }
            }
            // dq (Tq, Dh) += alpha · dS (Tq, Tk) · k (Tk, Dh)
            gemm(.none, .none, m: Tq, n: Dh, k: Tk, alpha: alpha, a: scratch, lda: ldp, b: k + kOff, ldb: kRow,
                 beta: 1, c: dQ + qOff, ldc: qRow)
            // dk (Tk, Dh) += alpha · dSᵀ (Tk, Tq) · q (Tq, Dh)
            gemm(.transposed, .none, m: Tk, n: Dh, k: Tq, alpha: alpha, a: scratch, lda: ldp, b: q + qOff, ldb: qRow,
                 beta: 1, c: dK + kOff, ldc: kRow)
        }
    }
}

/// Naive twin of `attentionForward` (plain loops, explicit −∞ masking).
@inlinable
public func attentionForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, probs: UnsafeMutablePointer<S>,
    q: UnsafePointer<S>, k: UnsafePointer<S>, v: UnsafePointer<S>, keyMask: UnsafePointer<UInt8>?,
    batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int,
    causal: Bool, scale: S? = nil
) {
    let Tq = queryLength, Tk = keyLength, Dh = headDim, H = heads, Hkv = kvHeads
    let alpha = scale ?? 1 / S(Dh).squareRoot()
    for b in 0..<batch {
        for h in 0..<H {
            let kvh = h / (H / Hkv)
            for i in 0..<Tq {
                let pRow = ((b * H + h) * Tq + i) * Tk
                var m = -S.infinity
                for j in 0..<Tk {
                    var visible = keyMask.map { $0[b * Tk + j] != 0 } ?? true
                    if causal && j > Tk - Tq + i { visible = false }
                    var s = -S.infinity
                    if visible {
                        s = 0
                        for d in 0..<Dh { s += q[((b * Tq + i) * H + h) * Dh + d] * k[((b * Tk + j) * Hkv + kvh) * Dh + d] }
                        s *= alpha
                    }
                    probs[pRow + j] = s
                    m = max(m, s)
                }
                var sum: S = 0
                for j in 0..<Tk {
                    let e: S = probs[pRow + j] == -S.infinity ? 0 : S.exp(probs[pRow + j] - m)
                    probs[pRow + j] = e
                    sum += e
                }
                for j in 0..<Tk { probs[pRow + j] = sum > 0 ? probs[pRow + j] / sum : 0 }
                for d in 0..<Dh {
                    var o: S = 0
                    for j in 0..<Tk { o += probs[pRow + j] * v[((b * Tk + j) * Hkv + kvh) * Dh + d] }
                    out[((b * Tq + i) * H + h) * Dh + d] = o
                }
            }
        }
    }
}

/// Naive twin of `attentionBackward` (plain loops; no scratch needed).
@inlinable
public func attentionBackwardNaive<S: BLASScalar>(
    dQ: UnsafeMutablePointer<S>, dK: UnsafeMutablePointer<S>, dV: UnsafeMutablePointer<S>,
    dOut: UnsafePointer<S>, q: UnsafePointer<S>, k: UnsafePointer<S>, v: UnsafePointer<S>,
    probs: UnsafePointer<S>,
    batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int,
    scale: S? = nil
) {
    let Tq = queryLength, Tk = keyLength, Dh = headDim, H = heads, Hkv = kvHeads
    let alpha = scale ?? 1 / S(Dh).squareRoot()
    for b in 0..<batch {
        for h in 0..<H {
            let kvh = h / (H / Hkv)
            for i in 0..<Tq {
                let pRow = ((b * H + h) * Tq + i) * Tk
                let qi = ((b * Tq + i) * H + h) * Dh
                // dP_ij = Σ_d dO_id v_jd ; dS_ij = P_ij (dP_ij − Σ_l P_il dP_il)
                var dP = [S](repeating: 0, count: Tk)
                for j in 0..<Tk {
                    let kj = ((b * Tk + j) * Hkv + kvh) * Dh
                    for d in 0..<Dh {
                        dP[j] += dOut[qi + d] * v[kj + d]
                        dV[kj + d] += probs[pRow + j] * dOut[qi + d]
                    }
                }
                var rowDot: S = 0
                for j in 0..<Tk { rowDot += probs[pRow + j] * dP[j] }
                for j in 0..<Tk {
                    let dS = probs[pRow + j] * (dP[j] - rowDot) * alpha
                    let kj = ((b * Tk + j) * Hkv + kvh) * Dh
                    for d in 0..<Dh {
                        dQ[qi + d] += dS * k[kj + d]
                        dK[kj + d] += dS * q[qi + d]
                    }
                }
            }
        }
    }
}
