import Foundation
import RaditModels
import RaditTestSupport
import XCTest

/// SmolLM2-135M-Instruct (Q4_1 GGUF) against tools/reference/llama_smollm2.py (numpy float64
/// over the `gguf` package's dequantised tensors): last-position logits and 20-token greedy
/// continuations of 5 prompts (token ids stored in the fixture).
final class LlamaSmolLM2Tests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            let prompt: String
            let ids: [Int]
            let logits_stride: Int
            let logits_strided: [Double]
            let logits_max: Double
            let logits_min: Double
            let argmax: Int
            let greedy: [Int]
            let greedy_margins: [Double]?
        }
        let cases: [Case]
    }

    func testLogitsAndGreedyContinuationsMatchReference() throws {
        let url = try Fixtures.model("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.file("llama/smollm2_reference.json")))
        let model = try LlamaModel<Float>(gguf: url)
        XCTAssertEqual(model.config.layers, 30)
        XCTAssertEqual(model.config.ropeLayout, .interleaved)
        XCTAssertTrue(model.config.tiedEmbeddings)
        let V = model.config.vocab
        for c in ref.cases {
            let logits = model.logits(try LlamaBatch(sequences: [c.ids]))
            let last = Array(logits.scalars[((c.ids.count - 1) * V)..<(c.ids.count * V)])
            let strided = stride(from: 0, to: V, by: c.logits_stride).map { Double(last[$0]) }
            let range = c.logits_max - c.logits_min
            var worst = 0.0
            for (a, e) in zip(strided, c.logits_strided) { worst = max(worst, abs(a - e)) }
            XCTAssertLessThanOrEqual(worst, 1e-3 * range, "\(c.prompt): max |Δlogit| \(worst), range \(range)")
            XCTAssertEqual(last.indices.max { last[$0] < last[$1] }, c.argmax, c.prompt)
            let gen = try model.generate(prompt: c.ids, config: GenerationConfig(maxTokens: c.greedy.count))
            XCTAssertEqual(gen.tokens, c.greedy, "greedy continuation of \(c.prompt)")
        }
    }
}
