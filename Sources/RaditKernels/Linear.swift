import RaditTensor

/// Fully connected layer: `out (N, O) = input (N, I) · weightᵀ + bias`, weight stored
/// `[out, in]` row-major (O, I), bias (O) optional.
@inlinable
public func linearForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    bias: UnsafePointer<S>?, rows: Int, inFeatures: Int, outFeatures: Int
) {
    // out (N, O), input (N, I), weight (O, I), bias (O)
    if let bias {
        for r in 0..<rows { (out + r * outFeatures).update(from: bias, count: outFeatures) }
    }
    if rows == 1 && inFeatures > 0 {
        // One row (batch-1 decoding) is a matrix-vector product: gemv streams the weight
        // once, where gemm's packing costs more than the product (bench-lm's batch-1 decode).
        gemv(.none, m: outFeatures, n: inFeatures, a: weight, lda: inFeatures, x: input,
             beta: bias == nil ? 0 : 1, y: out)
        return
    }
    gemm(.none, .transposed, m: rows, n: outFeatures, k: inFeatures,
         a: input, lda: max(1, inFeatures), b: weight, ldb: max(1, inFeatures),
         beta: bias == nil ? 0 : 1, c: out, ldc: max(1, outFeatures))
}

/// Backward of `linearForward`; adds into `dInput (N, I)`, `dWeight (O, I)`, `dBias (O)`.
/// Pass `nil` for a gradient that is not needed (first layer's input, frozen weight, no bias).
@inlinable
public func linearBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>?, dWeight: UnsafeMutablePointer<S>?, dBias: UnsafeMutablePointer<S>?,
    dOut: UnsafePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    rows: Int, inFeatures: Int, outFeatures: Int
) {
    let ldi = max(1, inFeatures), ldo = max(1, outFeatures)
    if let dInput {
        // dInput (N, I) += dOut (N, O) · weight (O, I)
        gemm(.none, .none, m: rows, n: inFeatures, k: outFeatures,
             a: dOut, lda: ldo, b: weight, ldb: ldi, beta: 1, c: dInput, ldc: ldi)
    }
    if let dWeight {
        // dWeight (O, I) += dOutᵀ (O, N) · input (N, I)
        gemm(.transposed, .none, m: outFeatures, n: inFeatures, k: rows,
             a: dOut, lda: ldo, b: input, ldb: ldi, beta: 1, c: dWeight, ldc: ldi)
    }
    if let dBias {
        for r in 0..<rows {
            let row = dOut + r * outFeatures
            for o in 0..<outFeatures { dBias[o] += row[o] }
        }
    }
}

/// Naive twin of `linearForward` (plain loops).
@inlinable
public func linearForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    bias: UnsafePointer<S>?, rows: Int, inFeatures: Int, outFeatures: Int
) {
    for r in 0..<rows {
        for o in 0..<outFeatures {
            var s: S = bias?[o] ?? 0
            for i in 0..<inFeatures { s += input[r * inFeatures + i] * weight[o * inFeatures + i] }
            out[r * outFeatures + o] = s
        }
    }
}

/// Naive twin of `linearBackward` (plain loops).
@inlinable
public func linearBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>?, dWeight: UnsafeMutablePointer<S>?, dBias: UnsafeMutablePointer<S>?,
    dOut: UnsafePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    rows: Int, inFeatures: Int, outFeatures: Int
) {
    for r in 0..<rows {
        for o in 0..<outFeatures {
            let g = dOut[r * outFeatures + o]
            dBias?[o] += g
            for i in 0..<inFeatures {
                dInput?[r * inFeatures + i] += g * weight[o * inFeatures + i]
                dWeight?[o * inFeatures + i] += g * input[r * inFeatures + i]
            }
        }
    }
}
