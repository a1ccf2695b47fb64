/// Cosine similarity a·b / (‖a‖ ‖b‖) of two Float vectors, summed in Double over their
/// common length; NaN when either has zero norm. The one copy: RaditEval's answer similarity
/// and the encoder reference checks call it (RaditIndex's `innerProductNaive` is the naive
/// twin of a SIMD kernel, over raw pointers).
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in 0..<min(a.count, b.count) {
        let x = Double(a[i]), y = Double(b[i])
        dot += x * y
        na += x * x
        nb += y * y
    }
    return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : .nan
}
