import Foundation
@testable import RaditData
import RaditRetrieval
import RaditTestSupport
import XCTest

final class RAITBuilderTests: XCTestCase {
    func testSeparateInstancesFillTheRADITTemplate() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 200, seed: 2))
        let corpus = kb.corpus, examples = kb.examples(.train)
        let ranker = BM25Retriever(corpus: corpus)
        let instances = try RAITBuilder(k: 3, seed: 0).build(examples, corpus: corpus, retriever: ranker)
        XCTAssertEqual(instances.count, 3 * examples.count)
        let top = try ranker.search(examples.map(\.question), k: 3)
        for (i, e) in examples.enumerated() {
            for j in 0..<3 {
                let r = instances[3 * i + j]
                let c = corpus[top.row(i)[j]]
                XCTAssertEqual(r.rank, j)
                XCTAssertEqual(r.chunkIDs, [c.id])
                XCTAssertEqual(r.prompt + r.completion, "Background: \(c.indexedText)\n\nQuestion: \(e.question)\nAnswer: \(e.answers[0])")
                XCTAssertEqual(r.completion, " " + e.answers[0])
                XCTAssertFalse(r.goldContext)
            }
        }
        XCTAssertEqual(Set(instances.map(\.id)).count, instances.count, "ids are unique")
    }

    func testOracleShareAndConcatMode() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 300, seed: 2))
        let corpus = kb.corpus, examples = kb.examples(.train)
        let ranker = try DenseRetriever(corpus: corpus, documents: ToyEmbedder())
        let always = try RAITBuilder(k: 2, mode: .concat, oracleShare: 1, seed: 0).build(examples, corpus: corpus, retriever: ranker)
        XCTAssertEqual(always.count, examples.count)
        for (r, e) in zip(always, examples) {
            XCTAssertEqual(r.chunkIDs.count, 2)
            XCTAssertTrue(r.chunkIDs.contains { id in e.gold.contains { $0.id == id } }, "gold share 1 but no gold in \(r.id)")
            XCTAssertNil(r.rank)
            XCTAssertTrue(r.prompt.contains(corpus[id: r.chunkIDs[0]]!.indexedText + "\n\n" + corpus[id: r.chunkIDs[1]]!.indexedText))
        }
        let half = try RAITBuilder(k: 2, mode: .concat, oracleShare: 0.5, seed: 0).build(examples, corpus: corpus, retriever: ranker)
        let none = try RAITBuilder(k: 2, mode: .concat, oracleShare: 0, seed: 0).build(examples, corpus: corpus, retriever: ranker)
        XCTAssertEqual(none.filter(\.goldContext).count, 0)
        let replaced = half.filter(\.goldContext).count
        // Gold is replaced only where retrieval missed it, in about half of those questions.
        let missed = none.filter { r in !r.chunkIDs.contains { id in examples.first { $0.id == r.questionID }!.gold.contains { $0.id == id } } }.count
        XCTAssertGreaterThan(replaced, missed / 4)
        XCTAssertLessThan(replaced, missed * 3 / 4 + 1)
    }

    func testWriteResumesAndEqualsBuild() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 150, seed: 1))
        let corpus = kb.corpus, examples = kb.examples()
        let ranker = BM25Retriever(corpus: corpus)
        let builder = try RAITBuilder(k: 3, oracleShare: 0.3, seed: 4)
        let url = Fixtures.temporaryDirectory("rait-resume").appendingPathComponent("rait.jsonl")
        let first = try builder.write(examples, corpus: corpus, retriever: ranker, to: url, progress: { _ in .stop })
        XCTAssertFalse(first.complete)
        let second = try builder.write(examples, corpus: corpus, retriever: ranker, to: url)
        XCTAssertTrue(second.complete)
        XCTAssertEqual(first.written + second.written, 3 * examples.count)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(RAITInstance.self, from: Data($0.utf8))
        }
        XCTAssertEqual(lines, try builder.build(examples, corpus: corpus, retriever: ranker))
    }

    func testTemplatesAreConfigurableAndChecked() throws {
        let t = try PromptTemplate("Context: {c}\nQ: {x}\nA:{y}")
        XCTAssertEqual(t.render(background: "b {x}", question: "q", answer: "y"), "Context: b {x}\nQ: q\nA:y")
        XCTAssertEqual(t.completion(answer: "y"), "y")
        XCTAssertThrowsError(try PromptTemplate("{c} {x}"))
        XCTAssertThrowsError(try PromptTemplate("{x} {y}"))
        XCTAssertThrowsError(try PromptTemplate("{c} {y} {x} {y}"))
        XCTAssertThrowsError(try RAITBuilder(k: 0, seed: 0))
    }
}
