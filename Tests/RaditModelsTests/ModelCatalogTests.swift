import Foundation
import RaditBase
import RaditTestSupport
import XCTest
@testable import RaditModels

final class ModelCatalogTests: XCTestCase {
    func testResolveNamesPathsAndUnknowns() throws {
        let dir = Fixtures.temporaryDirectory("catalog")
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try ModelCatalog.resolve("all-MiniLM-L6-v2", modelsDir: dir)) { e in
            XCTAssertEqual("\(e)", "model all-MiniLM-L6-v2 is not in \(dir.path)/all-MiniLM-L6-v2; run `radit models fetch`")
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("all-MiniLM-L6-v2"), withIntermediateDirectories: true)
        XCTAssertEqual(try ModelCatalog.resolve("all-MiniLM-L6-v2", modelsDir: dir).lastPathComponent, "all-MiniLM-L6-v2")
        XCTAssertEqual(try ModelCatalog.resolve(dir.path, modelsDir: dir).path, dir.path)
        XCTAssertThrowsError(try ModelCatalog.resolve("gpt-17", modelsDir: dir)) { e in
            XCTAssertEqual("\(e)", "'gpt-17' is neither a known model (all-MiniLM-L6-v2, SmolLM2-135M-Instruct) nor an existing file or folder")
        }
    }

    func testStatusReportsMissingAndModifiedFiles() throws {
        let dir = Fixtures.temporaryDirectory("catalog")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fetcher = ModelFetcher(modelsDir: dir)
        XCTAssertEqual(try fetcher.status(ModelCatalog.smolLM2).state, .missing(["SmolLM2-135M-Instruct.Q4_1.gguf"]))
        let folder = dir.appendingPathComponent("SmolLM2-135M-Instruct")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("not a model".utf8).write(to: folder.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let s = try fetcher.status(ModelCatalog.smolLM2)
        XCTAssertEqual(s.state, .modified(["SmolLM2-135M-Instruct.Q4_1.gguf"]))
        XCTAssertEqual(s.bytes, 11)
        XCTAssertEqual(try ModelFetcher.sha256(of: folder.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")),
                       SHA256.hex("not a model"))
    }
}
