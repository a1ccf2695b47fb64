import RaditRetrieval
import RaditTensor

/// A deterministic stand-in for a dense encoder: hashed bag of lower-cased words into 64
/// dimensions, L2-normalised. Texts sharing words get a higher cosine, which is all the
/// distractor tests need.
struct ToyEmbedder: TextEmbedder {
    let dimension = 64

    func embed(_ texts: [String]) throws -> Tensor<Float> {
        let d = dimension
        var t = Tensor<Float>(shape: [texts.count, d])
        for (i, text) in texts.enumerated() {
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for b in word.utf8 { h ^= UInt64(b); h &*= 0x0000_0100_0000_01B3 }
                t.scalars[i * d + Int(h % UInt64(d))] += 1
            }
            var norm: Float = 0
            for j in 0..<d { norm += t.scalars[i * d + j] * t.scalars[i * d + j] }
            if norm > 0 { for j in 0..<d { t.scalars[i * d + j] /= norm.squareRoot() } }
        }
        return t
    }
}
