import Foundation
import RaditData
import RaditModels
import RaditTestSupport
import RaditText
@testable import RaditTuning
import XCTest

/// RA-DIT trains `<bos> x y <eos>`: LM-ft puts the end-of-answer token after every answer,
/// scoring includes it, and generation stops there (`maxTokens` is only a cap).
final class EndOfAnswerTests: XCTestCase {
    func tinyLM(seed: UInt64 = 5) throws -> LlamaLM {
        let c = LlamaConfig(layers: 2, width: 64, heads: 4, kvHeads: 2, mlpWidth: 128, vocab: ByteCodec().vocabularySize,
                            ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, ropeLayout: .halfSplit,
                            maxPositions: 256, bosToken: 1, eosToken: 2)
        return LlamaLM(model: try LlamaModel(config: c, seed: seed), codec: ByteCodec(), baseIdentity: "tiny", maxLength: 128,
                       scoringBatchSize: 8, microBatchSize: 4, optimizer: .test)
    }

    let pairs = [
        PromptAnswer(prompt: "Question: colour of kalomi?\nAnswer:", answer: " teal"),
        PromptAnswer(prompt: "Question: colour of rute?\nAnswer:", answer: " amber"),
        PromptAnswer(prompt: "Question: city of zovi?\nAnswer:", answer: " oslo"),
        PromptAnswer(prompt: "Question: city of nepa?\nAnswer:", answer: " lima"),
    ]

    func testAnswersAreFramedWithEOSAndPromptsAreNot() throws {
        let lm = try tinyLM()
        let (prompt, answer) = lm.tokens(pairs[0])
        XCTAssertEqual(prompt.first, 1, "BOS")
        XCTAssertNotEqual(prompt.last, 2, "the byte codec's closing token must not end a decoder prompt")
        XCTAssertEqual(answer, ByteCodec().encode(" teal", special: false) + [2])
        // Scores count the end token.
        XCTAssertEqual(try lm.score([pairs[0]])[0].tokens, 6)
    }

    func testAfterLMFtGreedyGenerationEmitsEOSAndStops() throws {
        let lm = try tinyLM()
        let cap = 40
        // Untrained, nothing ends the answer: generation runs to the cap.
        let before = try lm.model.generate(prompt: lm.generationPrompt(pairs[0].prompt, maxTokens: cap),
                                           config: GenerationConfig(maxTokens: cap, stopTokens: lm.endOfAnswer))
        XCTAssertEqual(before.stopReason, .maxTokens)
        for _ in 0..<150 { _ = try lm.trainStep(pairs, learningRate: 3e-3) }
        for p in pairs {
            let r = try lm.model.generate(prompt: lm.generationPrompt(p.prompt, maxTokens: cap),
                                          config: GenerationConfig(maxTokens: cap, stopTokens: lm.endOfAnswer))
            XCTAssertEqual(r.stopReason, .stopToken, "\(p.prompt.debugDescription) ran on: \(ByteCodec().decode(r.tokens).debugDescription)")
            XCTAssertEqual(r.tokens.last, 2, "the token that ended generation is EOS")
            XCTAssertEqual(r.tokens.count, ByteCodec().encode(p.answer, special: false).count + 1)
            // The adapter's text is the answer alone, whatever the cap.
            XCTAssertEqual(try lm.generate([p.prompt], maxTokens: cap), [p.answer])
            XCTAssertEqual(try lm.generate([p.prompt], maxTokens: 200), [p.answer])
        }
    }

    /// With a chat template, prompts are user turns and answers end with the end of turn.
    func testChatTemplateAnswersEndWithEndOfTurn() throws {
        let url = try Fixtures.model("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
        let tokenizer = try GGUFFile(url: url).tokenizer()
        let codec = TokenizerCodec(tokenizer)
        let c = LlamaConfig(layers: 1, width: 16, heads: 2, kvHeads: 1, mlpWidth: 32, vocab: codec.vocabularySize,
                            maxPositions: 256, bosToken: nil, eosToken: 2)
        let model = try LlamaModel<Float>(config: c, seed: 1)
        let lm = try LlamaLM(model: model, codec: codec, baseIdentity: "t", maxLength: 128,
                                 scoringBatchSize: 8, microBatchSize: 4, optimizer: .test, chatTemplate: .smolLM2)
        let endOfTurn = codec.encode("<|im_end|>", special: false)
        XCTAssertEqual(endOfTurn.count, 1)
        XCTAssertEqual(lm.endOfAnswerToken, endOfTurn[0])
        let (prompt, answer) = lm.tokens(PromptAnswer(prompt: "Question: q\nAnswer:", answer: " Oslo"))
        XCTAssertEqual(answer, codec.encode("Oslo", special: false) + endOfTurn)
        let opening = codec.encode("<|im_start|>assistant\n", special: false)
        XCTAssertEqual(Array(prompt.suffix(opening.count)), opening, "the prompt opens the assistant turn")
        // A plain LM and a chat LM never share cached scores.
        let plain = LlamaLM(model: model, codec: codec, baseIdentity: "t", maxLength: 128,
                              scoringBatchSize: 8, microBatchSize: 4, optimizer: .test)
        XCTAssertNotEqual(plain.checkpointIdentity, lm.checkpointIdentity)
    }
}
