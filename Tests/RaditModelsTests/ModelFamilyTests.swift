import Foundation
import RaditTestSupport
import XCTest
@testable import RaditModels

/// A model of another family given where a Llama is expected says so, instead of naming
/// a Llama key the other config lacks ("required key 'rms_norm_eps' is missing").
final class ModelFamilyTests: XCTestCase {
    func testABertFolderIsNotALlama() throws {
        let dir = Fixtures.temporaryDirectory("family")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 384}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try LlamaBundle(path: dir)) { error in
            XCTAssertEqual(error as? LlamaError, .unsupportedArchitecture(file: dir.appendingPathComponent("config.json").path,
                                                                          found: "bert, BertModel"))
            XCTAssertTrue("\(error)".contains("is not a Llama-family model"), "\(error)")
        }
    }

    func testArchitecturesNameTheFamilyWhenModelTypeIsAbsent() throws {
        let dir = Fixtures.temporaryDirectory("family-arch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        try Data(#"{"architectures": ["GPT2LMHeadModel"]}"#.utf8).write(to: url)
        XCTAssertThrowsError(try LlamaHFConfig.load(url: url)) { error in
            XCTAssertEqual(error as? LlamaError, .unsupportedArchitecture(file: url.path, found: "GPT2LMHeadModel"))
        }
        // A Llama without model_type is still recognised by its architecture.
        try Data(#"{"architectures": ["LlamaForCausalLM"]}"#.utf8).write(to: url)
        XCTAssertThrowsError(try LlamaHFConfig.load(url: url)) { error in
            XCTAssertTrue("\(error)".contains("required key"), "\(error)")
        }
    }

    /// The exact command of the issue: `lm generate --model models/all-MiniLM-L6-v2`.
    func testTheFetchedMiniLMIsNotALlama() throws {
        let miniLM = try Fixtures.model("all-MiniLM-L6-v2")
        XCTAssertThrowsError(try LlamaBundle(path: miniLM)) { error in
            XCTAssertTrue("\(error)".contains("is not a Llama-family model"), "\(error)")
        }
    }
}
