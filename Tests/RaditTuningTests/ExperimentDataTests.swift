import Foundation
import RaditData
import RaditExperiments
import RaditTestSupport
import RaditTuning
import XCTest

/// `data.source`: every dataset `bench retrieval` reads, split by question, chunked on request.
final class ExperimentDataTests: XCTestCase {
    /// Tokens = whitespace-separated words, for chunking tests without a model.
    let words: @Sendable (Substring) -> Int = { $0.split(whereSeparator: { $0.isWhitespace }).count }

    func settings(_ overrides: [String]) throws -> RunSettings {
        var c = ExperimentConfig()
        try c.apply(overrides: overrides)
        try c.validate(checkFiles: false)
        return try c.settings()
    }

    func load(_ overrides: [String]) throws -> ExperimentData {
        try ExperimentData.load(try settings(overrides), root: URL(fileURLWithPath: "/"), tokenCount: words)
    }

    func ids(_ e: [Example]) -> Set<String> { Set(e.map(\.id)) }

    /// HotpotQA has no split of its own: its questions are drawn into train/dev/test by
    /// question, disjoint, covering every question, reproducible from the seed.
    func testHotpotQAIsSplitByQuestion() throws {
        let path = Fixtures.sharedData("hotpotqa_dev_distractor_sample100").path
        let sets = ["data.source=hotpotqa", "data.path=\"\(path)\"", "data.dev_fraction=0.2", "data.test_fraction=0.3"]
        let d = try load(sets)
        let (train, dev, test) = (ids(d.splits.train), ids(d.splits.dev), ids(d.splits.test))
        XCTAssertEqual(train.count + dev.count + test.count, 100)
        XCTAssertEqual(train.union(dev).union(test).count, 100, "disjoint")
        XCTAssertEqual(test.count, 30)
        XCTAssertEqual(dev.count, 20)
        XCTAssertEqual(d.splits.ownSplits, [])
        XCTAssertEqual(d.splits.reported, .test)
        XCTAssertEqual(try load(sets).splits, d.splits, "deterministic")
        XCTAssertNotEqual(try load(sets + ["data.split_seed=1"]).splits.test.map(\.id), d.splits.test.map(\.id))
        // Gold chunks are corpus ids (paragraph titles).
        XCTAssertTrue(d.splits.train.allSatisfy { $0.gold.allSatisfy { d.corpus.contains($0.id) } })
    }

    /// A written SynthKB folder gives the same splits as the in-memory knowledge base.
    func testSynthKBFolderKeepsItsOwnSplits() throws {
        let dir = Fixtures.temporaryDirectory("synthkb")
        try SynthKB.generate(SynthKBConfig(entities: 30, seed: 3)).write(to: dir)
        let folder = try load(["data.source=synthkb", "data.path=\"\(dir.path)\""])
        let memory = try load(["data.entities=30", "data.seed=3"])
        XCTAssertEqual(folder.splits.ownSplits, [.train, .dev, .test])
        for split in QuestionSplit.allCases {
            XCTAssertFalse(folder.splits[split].isEmpty, split.rawValue)
            XCTAssertEqual(folder.splits[split].map(\.id), memory.splits[split].map(\.id), split.rawValue)
            XCTAssertEqual(folder.splits[split].map(\.answers), memory.splits[split].map(\.answers), split.rawValue)
        }
        XCTAssertEqual(folder.corpus.indexedTexts, memory.corpus.indexedTexts)
        // Kinds filter: bridge questions only.
        let bridge = try load(["data.source=synthkb", "data.path=\"\(dir.path)\"", "data.question_kinds=bridge"])
        XCTAssertTrue(bridge.splits.train.allSatisfy { $0.metadata["kind"] == "bridge" })
        XCTAssertFalse(bridge.splits.train.isEmpty)
    }

    /// A small BEIR folder: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`.
    func beir(answers: Bool, splits: [String], longDocument: String = "short text") throws -> URL {
        let dir = Fixtures.temporaryDirectory("beir")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        var corpus = "{\"_id\": \"long\", \"title\": \"Long\", \"text\": \"\(longDocument)\"}\n"
        var queries = ""
        for i in 0..<20 {
            corpus += "{\"_id\": \"d\(i)\", \"title\": \"T\(i)\", \"text\": \"document \(i) text\"}\n"
            let meta = answers ? ", \"metadata\": {\"answers\": [\"a\(i)\", \"alias\(i)\"]}" : ""
            queries += "{\"_id\": \"q\(i)\", \"text\": \"question \(i)?\"\(meta)}\n"
        }
        try corpus.write(to: dir.appendingPathComponent("corpus.jsonl"), atomically: true, encoding: .utf8)
        try queries.write(to: dir.appendingPathComponent("queries.jsonl"), atomically: true, encoding: .utf8)
        for (n, split) in splits.enumerated() {
            var tsv = "query-id\tcorpus-id\tscore\n"
            for i in stride(from: n, to: 20, by: splits.count) { tsv += "q\(i)\t\(i == 0 ? "long" : "d\(i)")\t1\n" }
            try tsv.write(to: dir.appendingPathComponent("qrels/\(split).tsv"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// BEIR answers come from `metadata.answers`; qrels splits are the dataset's own; a
    /// train split without dev gives part of train to dev.
    func testBEIRUsesItsQrelsSplitsAndAnswers() throws {
        let dir = try beir(answers: true, splits: ["train", "test"])
        let d = try load(["data.source=beir", "data.path=\"\(dir.path)\"", "data.dev_fraction=0.2"])
        XCTAssertEqual(d.splits.ownSplits, [.train, .test])
        XCTAssertEqual(ids(d.splits.test), Set(stride(from: 1, to: 20, by: 2).map { "q\($0)" }))
        XCTAssertEqual(d.splits.dev.count, 2)
        XCTAssertEqual(d.splits.train.count, 8)
        XCTAssertTrue(ids(d.splits.dev).isDisjoint(with: ids(d.splits.train)))
        XCTAssertEqual(d.splits.test.first?.answers, ["a1", "alias1"])
        // Only a test split: every question is drawn into train/dev/test.
        let only = try load(["data.source=beir", "data.path=\"\(try beir(answers: true, splits: ["test"]).path)\""])
        XCTAssertEqual(only.splits.ownSplits, [])
        XCTAssertEqual(only.splits.train.count + only.splits.dev.count + only.splits.test.count, 20)
    }

    /// A dataset without answers, or without questions, is refused saying what is needed.
    func testDataWithoutAnswersIsRefused() throws {
        let dir = try beir(answers: false, splits: ["test"])
        XCTAssertThrowsError(try load(["data.source=beir", "data.path=\"\(dir.path)\""])) { e in
            XCTAssertTrue("\(e)".contains("none with an answer"), "\(e)")
            XCTAssertTrue("\(e)".contains("metadata.answers"), "\(e)")
        }
        // `radit run` refuses it before creating the run folder.
        let runDir = Fixtures.temporaryDirectory("no-answers").appendingPathComponent("run")
        var c = ExperimentConfig()
        try c.apply(overrides: ["data.source=beir", "data.path=\"\(dir.path)\"", "lm.model=tiny", "retriever.model=tiny"])
        let run = try ExperimentRun(create: runDir, config: c, overrides: [], root: runDir)
        XCTAssertThrowsError(try run.execute(backend: NativeBackend(), root: runDir)) { e in
            XCTAssertTrue("\(e)".contains("none with an answer"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: runDir.path), "no run folder")
        let folder = Fixtures.temporaryDirectory("texts")
        try "# Title\n\nSome text.".write(to: folder.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try load(["data.source=folder", "data.path=\"\(folder.path)\""])) { e in
            XCTAssertTrue("\(e)".contains("has no questions"), "\(e)")
        }
    }

    /// Long documents are cut into chunks `<id>#<n>` of at most data.chunk_tokens tokens;
    /// each chunk maps back to its document and a gold document's chunks are gold.
    func testLongDocumentsAreChunkedTraceably() throws {
        let long = (0..<50).map { "w\($0)" }.joined(separator: " ")
        let dir = try beir(answers: true, splits: ["train", "dev", "test"], longDocument: long)
        let d = try load(["data.source=beir", "data.path=\"\(dir.path)\"", "data.chunk_tokens=20", "data.chunk_overlap=5"])
        let pieces = d.corpus.chunks.filter { $0.id.hasPrefix("long#") }
        XCTAssertEqual(pieces.map(\.id), ["long#0", "long#1", "long#2"])
        XCTAssertTrue(pieces.allSatisfy { words(Substring($0.text)) <= 20 && $0.title == "Long" })
        XCTAssertTrue(d.corpus.contains("d5"), "short documents keep their ids")
        for (p, chunk) in d.corpus.chunks.enumerated() {
            XCTAssertEqual(d.documents[p], chunk.id.hasPrefix("long#") ? "long" : chunk.id)
        }
        let q0 = try XCTUnwrap(d.splits.train.first { $0.id == "q0" })
        XCTAssertEqual(q0.gold.map(\.id), pieces.map(\.id))
        XCTAssertEqual(d.corpus.goldPositions(q0).count, 3)
    }
}
