import Foundation
import RaditBase
import RaditData
import RaditTestSupport
import XCTest

/// Acceptance (issue 16): 1,000 seeded mutations of a BEIR corpus give a typed error or a
/// correct load, never a crash, an untyped error or a hang.
final class CorpusFuzzTests: XCTestCase {
    func testMutatedBEIRCorpus() throws {
        let dir = Fixtures.temporaryDirectory("beir-fuzz")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        let corpus = (1...12).map { i in
            #"{"_id": "d\#(i)", "title": "Entity \#(i)", "text": "Entity \#(i) was founded in \#(1900 + i) by \"Ada\" — café ✓.", "metadata": {"n": \#(i)}}"#
        }.joined(separator: "\n") + "\n"
        try Data((#"{"_id": "q1", "text": "When was entity 3 founded?"}"# + "\n").utf8)
            .write(to: dir.appendingPathComponent("queries.jsonl"))
        try Data("query-id\tcorpus-id\tscore\nq1\td3\t1\n".utf8).write(to: dir.appendingPathComponent("qrels/test.tsv"))
        let corpusURL = dir.appendingPathComponent("corpus.jsonl")
        let path = dir.path
        let counts = Fuzzer(seed: 16).run(Array(corpus.utf8), label: "beir corpus", isTyped: { $0 is RaditError }) { bytes in
            try Data(bytes).write(to: corpusURL)
            let dataset = try DatasetReader.read(path, format: .beir)
            XCTAssertLessThanOrEqual(dataset.corpus.count, 13)
            XCTAssertTrue(dataset.corpus.chunks.allSatisfy { !$0.id.isEmpty })
        }
        XCTAssertEqual(counts.total, 1000)
    }
}
