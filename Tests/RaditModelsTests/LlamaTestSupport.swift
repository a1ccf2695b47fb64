import Foundation
import RaditTensor
import RaditModels
import RaditTestSupport
import XCTest

/// `Tests/Fixtures/llama/tiny_reference.json` written by tools/reference/llama_tiny.py.
struct TinyReference: Decodable {
    struct Config: Decodable { let L, C, H, Hkv, F, V: Int; let theta, eps: Double; let tied: Bool }
    struct AdamW: Decodable { let lr, beta1, beta2, eps, weight_decay, clip: Double; let steps: Int }
    let config: Config
    let params: [String: [Double]]
    let tokens: [[Int]]
    let lengths: [Int]
    let loss_mask: [[Double]]
    let logits: [Double]
    let loss: Double
    let grads: [String: [Double]]
    let adamw: AdamW
    let trajectory: [Double]

    static func load() throws -> TinyReference {
        try JSONDecoder().decode(TinyReference.self, from: Data(contentsOf: Fixtures.file("llama/tiny_reference.json")))
    }

    var llamaConfig: LlamaConfig {
        LlamaConfig(layers: config.L, width: config.C, heads: config.H, kvHeads: config.Hkv, mlpWidth: config.F,
                    vocab: config.V, ropeTheta: config.theta, normEps: config.eps, tiedEmbeddings: config.tied,
                    ropeLayout: .halfSplit)
    }

    /// Sequences cut to their lengths, and the index of each one's first scored token
    /// (the mask marks positions t predicting token t+1).
    var sequences: [[Int]] { tokens.enumerated().map { Array($0.element.prefix(lengths[$0.offset])) } }
    var scoredFrom: [Int] { loss_mask.map { row in row.firstIndex(of: 1)! + 1 } }

    func batch(padding: PaddingSide = .right) throws -> LlamaBatch {
        try LlamaBatch(sequences: sequences, scoredFrom: scoredFrom, padding: padding, length: tokens[0].count)
    }

    func model<S: BLASScalar>(_: S.Type) throws -> LlamaModel<S> {
        let m = try LlamaModel<S>(config: llamaConfig)
        try m.load(params.mapValues { $0.map { S($0) } }, source: "tiny_reference.json")
        return m
    }
}
