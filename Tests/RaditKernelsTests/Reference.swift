import Foundation
import RaditTestSupport

/// `Tests/Fixtures/kernels/reference.json`, written by `tools/reference/kernels_reference.py`
/// (PyTorch, float64).
struct Reference: Decodable {
    struct Schedule: Decodable { let peak: Double, minimum: Double, warmup: Int, total: Int }
    struct AdamWStep: Decodable { let step: Int, lr: Double, grad_norm: Double, W: [Double], b: [Double] }
    struct AdamW: Decodable {
        let initial: [String: [Double]]
        let A_W: [Double], C_W: [Double], A_b: [Double], C_b: [Double]
        let schedule: Schedule
        let beta1: Double, beta2: Double, eps: Double, weight_decay: Double, max_norm: Double
        let steps: [AdamWStep]
    }
    struct Rope: Decodable {
        let B: Int, T: Int, H: Int, Dh: Int, theta: Double, positions: [Int32]
        let x: [Double], half_split: [Double], interleaved: [Double]
    }
    struct Attention: Decodable {
        let B: Int, T: Int, H: Int, Hkv: Int, Dh: Int, key_mask: [UInt8]
        let q: [Double], k: [Double], v: [Double], r: [Double], out: [Double], dq: [Double], dk: [Double], dv: [Double]
    }
    struct CrossEntropy: Decodable {
        let N: Int, V: Int, logits: [Double], targets: [Int32], loss: Double, dlogits: [Double]
    }
    let adamw: AdamW
    let rope: Rope
    let attention: Attention
    let cross_entropy: CrossEntropy

    static func load() throws -> Reference {
        let data = try Data(contentsOf: Fixtures.file("kernels/reference.json"))
        return try JSONDecoder().decode(Reference.self, from: data)
    }
}
