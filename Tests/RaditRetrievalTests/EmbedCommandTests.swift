import Foundation
import RaditModels
import RaditStore
import RaditTestSupport
import XCTest

/// `radit embed` end to end on a tiny random model (2 blocks, C=16, the 123-token
/// tokenizer from tools/reference/bert_tiny_tokenizer.py): an uninterrupted run, and a
/// run SIGKILLed midway then rerun, must give the same /embeddings, /ids and attributes.
final class EmbedCommandTests: XCTestCase {
    /// The `radit` executable beside the test bundle (`swift build --build-tests` builds it).
    func raditBinary() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("radit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let built = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("radit") }
        if let url = built.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return url }
        throw XCTSkip("radit executable not built beside the tests; run `swift build --build-tests`")
    }

    func makeModel(_ dir: URL) throws {
        let config = BertConfig(vocabSize: 123, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                intermediateSize: 32, maxPositionEmbeddings: 64)
        try BertEncoder<Float>.random(config: config, seed: 3, std: 0.5).save(directory: dir)
        try FileManager.default.copyItem(at: Fixtures.file("bert/tiny-tokenizer.json"),
                                         to: dir.appendingPathComponent("tokenizer.json"))
    }

    func makeCorpus(_ url: URL, rows: Int) throws {
        let words = "the river museum protein galaxy algorithm election harvest melody voltage theorem retrieval Zürich café".split(separator: " ")
        var lines = ""
        for i in 0..<rows {
            let text = (0..<(3 + i % 17)).map { words[($0 * 7 + i) % words.count] }.joined(separator: " ")
            lines += "{\"_id\": \"doc\(i)\", \"title\": \"\(i % 5 == 0 ? "T\(i)" : "")\", \"text\": \"\(text)\"}\n"
        }
        try lines.write(to: url, atomically: true, encoding: .utf8)
    }

    func run(_ binary: URL, _ args: [String], killAfterRows: Int? = nil) throws -> (status: Int32, killed: Bool) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let pipe = Pipe()
        // Progress (JSON lines when not on a terminal) goes to stderr.
        p.standardOutput = FileHandle.nullDevice
        p.standardError = pipe
        try p.run()
        var killed = false
        if let killAfterRows {
            // Read progress lines until a committed block passes the mark, then SIGKILL.
            var buffer = Data()
            while !killed, let chunk = try pipe.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
                buffer.append(chunk)
                guard chunk.first == UInt8(ascii: "\n"), let line = String(data: buffer, encoding: .utf8) else { continue }
                buffer.removeAll()
                if let range = line.range(of: "\"done\":"), let done = Int(line[range.upperBound...].prefix { $0.isNumber }),
                   done >= killAfterRows {
                    kill(p.processIdentifier, SIGKILL)
                    killed = true
                }
            }
        } else {
            _ = try pipe.fileHandleForReading.readToEnd()
        }
        p.waitUntilExit()
        return (p.terminationStatus, killed)
    }

    func contents(_ url: URL) throws -> (embeddings: [Float], shape: [Int], ids: [String], attributes: [String: String]) {
        let f = try StoreFile.open(url)
        defer { try? f.close() }
        var attributes: [String: String] = [:]
        for name in try f.attributeNames() where name != "created" {
            attributes[name] = "\(String(describing: try f.attribute(name)))"
        }
        return (try f.read("embeddings", as: Float.self), try f.shape(of: "embeddings"), try f.readStrings("ids"), attributes)
    }

    func testKilledMidwayAndRerunEqualsUninterrupted() throws {
        let binary = try raditBinary()
        let dir = Fixtures.temporaryDirectory("radit-embed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("tiny-bert")
        try makeModel(model)
        let corpus = dir.appendingPathComponent("corpus.jsonl")
        let rows = 1500
        try makeCorpus(corpus, rows: rows)
        let common = ["embed", "--corpus", corpus.path, "--model", model.path, "--batch-size", "3",
                      "--commit-rows", "5", "--threads", "1"]

        let whole = dir.appendingPathComponent("whole.h5")
        XCTAssertEqual(try run(binary, common + ["--out", whole.path]).status, 0)
        let reference = try contents(whole)
        XCTAssertEqual(reference.shape, [rows, 16])
        XCTAssertEqual(reference.ids.first, "doc0")
        XCTAssertEqual(reference.attributes["model"], "Optional(\"tiny-bert\")")
        XCTAssertNotNil(reference.attributes["model_sha256"])

        let resumed = dir.appendingPathComponent("resumed.h5")
        let first = try run(binary, common + ["--out", resumed.path], killAfterRows: 100)
        XCTAssertTrue(first.killed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: resumed.path), "the killed run must not have finished")
        XCTAssertTrue(FileManager.default.fileExists(atPath: resumed.path + ".partial"))
        XCTAssertEqual(try run(binary, common + ["--out", resumed.path]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: resumed.path + ".partial"))
        let again = try contents(resumed)
        XCTAssertEqual(again.shape, reference.shape)
        XCTAssertEqual(again.ids, reference.ids)
        XCTAssertEqual(again.attributes, reference.attributes)
        XCTAssertTrue(again.embeddings == reference.embeddings, "embeddings differ after resume")
        // A third run finds the file complete and leaves it alone.
        XCTAssertEqual(try run(binary, common + ["--out", resumed.path]).status, 0)
        XCTAssertTrue(try contents(resumed).embeddings == reference.embeddings)
    }
}
