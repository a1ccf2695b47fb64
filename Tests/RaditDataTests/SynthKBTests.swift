import Foundation
@testable import RaditData
import RaditRetrieval
import RaditTestSupport
import XCTest

final class SynthKBTests: XCTestCase {
    func kb(_ entities: Int, seed: UInt64) throws -> SynthKB {
        try SynthKB.generate(SynthKBConfig(entities: entities, seed: seed))
    }

    func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let names = [SynthKB.Layout.corpus, SynthKB.Layout.queries, SynthKB.Layout.manifest]
            + SynthSplit.allCases.flatMap { [SynthKB.Layout.qrels($0), SynthKB.Layout.hotpot($0)] }
        for n in names { out[n] = try Data(contentsOf: dir.appendingPathComponent(n)) }
        return out
    }

    func testSameSeedGivesByteIdenticalFilesAndOtherSeedsDiffer() throws {
        let a = Fixtures.temporaryDirectory("synthkb-a"), b = Fixtures.temporaryDirectory("synthkb-b")
        let c = Fixtures.temporaryDirectory("synthkb-c")
        try kb(300, seed: 7).write(to: a)
        try kb(300, seed: 7).write(to: b)
        try kb(300, seed: 8).write(to: c)
        let fa = try files(a), fb = try files(b), fc = try files(c)
        XCTAssertEqual(fa.count, 9)
        for (name, bytes) in fa {
            XCTAssertEqual(bytes, fb[name], "\(name) differs between two runs with seed 7")
            XCTAssertFalse(bytes.isEmpty, name)
        }
        XCTAssertNotEqual(fa[SynthKB.Layout.corpus], fc[SynthKB.Layout.corpus])
        XCTAssertNotEqual(fa[SynthKB.Layout.queries], fc[SynthKB.Layout.queries])
    }

    func testLargerKnowledgeBaseKeepsEarlierEntitiesAndDocuments() throws {
        let small = try kb(200, seed: 3), large = try kb(260, seed: 3)
        for i in 0..<200 {
            XCTAssertTrue(small.entities[i] == large.entities[i], "entity \(i) changed")
            XCTAssertTrue(small.documents[i] == large.documents[i], "document \(i) changed")
        }
        let smallQuestions = Set(small.questions.map(\.id))
        XCTAssertTrue(smallQuestions.isSubset(of: large.questions.map(\.id)), "questions about early entities changed")
    }

    func testAnswersAppearInGoldChunksAndBridgesNeedBothChunks() throws {
        let kb = try kb(800, seed: 11)
        var bridges = 0
        for q in kb.questions {
            let gold = q.goldChunkIDs.map { kb.document($0)!.text.lowercased() }
            XCTAssertFalse(gold.isEmpty, q.text)
            for s in q.supporting {
                XCTAssertTrue(q.goldChunkIDs.contains(s.chunkID), "\(q.id): support outside gold")
                XCTAssertEqual(kb.document(s.chunkID)!.sentences[s.sentenceIndex], s.sentence)
            }
            switch q.kind {
            case .singleHop:
                XCTAssertTrue(gold[0].contains(q.answer.lowercased()), "\(q.text) → \(q.answer) not in its chunk")
            case .bridge:
                bridges += 1
                XCTAssertEqual(gold.count, 2, q.text)
                for alias in q.aliases {
                    XCTAssertFalse(gold[0].contains(alias.lowercased()),
                                   "bridge \(q.text): \(alias) is already in the first hop's chunk")
                }
                XCTAssertTrue(gold[1].contains(q.answer.lowercased()), "bridge \(q.text): answer not in second hop")
                // The second hop is named in the first hop's chunk: that is the bridge.
                XCTAssertTrue(gold[0].contains(kb.document(q.goldChunkIDs[1])!.title.lowercased()), q.text)
            case .comparison:
                XCTAssertTrue(["yes", "no"].contains(q.answer))
                XCTAssertEqual(gold.count, 2, q.text)
                // Each compared value is stated in its own chunk (its supporting sentence).
                XCTAssertEqual(Set(q.supporting.map(\.chunkID)).count, 2, q.text)
            }
        }
        XCTAssertGreaterThan(bridges, 300)
    }

    func testKindsSplitsAndSeenUnseenMarks() throws {
        let kb = try kb(1000, seed: 5)
        let kinds = Dictionary(grouping: kb.questions, by: \.kind).mapValues(\.count)
        for k in SynthQuestionKind.allCases { XCTAssertGreaterThan(kinds[k] ?? 0, 100, "\(k)") }
        let comparisons = kb.questions.filter { $0.kind == .comparison }
        let yes = comparisons.filter { $0.answer == "yes" }.count
        XCTAssertGreaterThan(yes, comparisons.count / 5)
        XCTAssertLessThan(yes, comparisons.count * 4 / 5)

        let trainGold = Set(kb.questions.filter { $0.split == .train }.flatMap(\.goldChunkIDs))
        let test = kb.questions.filter { $0.split == .test }
        let unseen = test.filter { $0.visibility == .unseen }, seen = test.filter { $0.visibility == .seen }
        XCTAssertGreaterThan(unseen.count, 50)
        XCTAssertGreaterThan(seen.count, 50)
        for q in unseen { XCTAssertTrue(trainGold.isDisjoint(with: q.goldChunkIDs)) }
        for q in seen { XCTAssertTrue(trainGold.isSuperset(of: q.goldChunkIDs)) }
        for q in kb.questions where q.split != .test {
            XCTAssertFalse(q.goldChunkIDs.contains { kb.entities[Int($0.dropFirst())!].heldOut })
        }
        XCTAssertTrue(kb.questions.filter { $0.split == .train }.allSatisfy { $0.visibility == nil })
        XCTAssertEqual(Set(kb.questions.map(\.text)).count, kb.questions.count, "questions are unique")
    }

    func testWrittenFolderReadsWithTheDatasetReaders() throws {
        let kb = try kb(300, seed: 2)
        let dir = Fixtures.temporaryDirectory("synthkb-read")
        try kb.write(to: dir)
        let beir = try DatasetReader.read(dir.path, options: ReadOptions(split: "test"))
        XCTAssertEqual(beir.format, .beir)
        XCTAssertEqual(beir.corpus.count, kb.documents.count)
        XCTAssertEqual(beir.queries.examples.map(\.id), kb.examples(.test).map(\.id))
        XCTAssertEqual(beir.queries.examples.map { $0.gold.map(\.id) }, kb.examples(.test).map { $0.gold.map(\.id) })

        let hotpot = try DatasetReader.read(dir.appendingPathComponent(SynthKB.Layout.hotpot(.dev)).path)
        XCTAssertEqual(hotpot.format, .hotpotqa)
        let dev = kb.questions.filter { $0.split == .dev }
        XCTAssertEqual(hotpot.queries.examples.map(\.answers), dev.map { [$0.answer] })
        // HotpotQA chunk ids are titles: gold titles are the gold documents' titles.
        XCTAssertEqual(hotpot.queries.examples.map { $0.gold.map(\.id) },
                       dev.map { $0.goldChunkIDs.map { kb.document($0)!.title } })
        let support = try HotpotQASupport.read(file: dir.appendingPathComponent(SynthKB.Layout.hotpot(.dev)).path)
        for q in dev { XCTAssertEqual(support[q.id], kb.supportingSentences[q.id]) }
    }

    /// Sanity band, not a benchmark: BM25 finds most single-hop gold documents, but the
    /// look-alike names and the unnamed second hop of bridge questions keep it well below 1.
    func testBM25RecallAt5OnTestIsInASanityBand() throws {
        let kb = try kb(1000, seed: 0)
        let corpus = kb.corpus
        let bm25 = BM25Retriever(corpus: corpus)
        let test = kb.examples(.test)
        let ranked = try bm25.rankings(test.map(\.question), k: 5)
        var any1 = 0.0, any5 = 0.0, all5 = 0.0
        var perKind: [SynthQuestionKind: (hit: Double, n: Double)] = [:]
        for (e, hits) in zip(test, ranked) {
            let ids = hits.map { corpus[$0].id }
            let gold = Set(e.gold.map(\.id))
            if gold.contains(ids[0]) { any1 += 1 }
            if !gold.isDisjoint(with: ids) { any5 += 1 }
            let allFound = gold.isSubset(of: ids)
            if allFound { all5 += 1 }
            let kind = SynthQuestionKind(rawValue: e.metadata["kind"]!)!
            perKind[kind, default: (0, 0)].hit += allFound ? 1 : 0
            perKind[kind, default: (0, 0)].n += 1
        }
        let n = Double(test.count)
        any1 /= n; any5 /= n; all5 /= n
        let kinds = SynthQuestionKind.allCases.map { "\($0.rawValue) \(perKind[$0]!.hit / perKind[$0]!.n)" }
        print("SynthKB(1000, seed 0) test, n = \(test.count): BM25 any-gold R@1 = \(any1), any-gold R@5 = \(any5), "
              + "all-gold R@5 = \(all5); all-gold R@5 by kind: \(kinds.joined(separator: ", "))")
        XCTAssertGreaterThan(all5, 0.3)
        XCTAssertLessThan(all5, 0.9)
        XCTAssertGreaterThan(any1, 0.5)
        XCTAssertLessThan(any1, 0.99)
        XCTAssertGreaterThan(any5, any1)
    }

    func testConfigValidationNamesTheKey() {
        XCTAssertThrowsError(try SynthKB.generate(SynthKBConfig(entities: 2))) { e in
            XCTAssertTrue("\(e)".contains("entities"), "\(e)")
        }
        XCTAssertThrowsError(try SynthKB.generate(SynthKBConfig(nearDuplicateRate: 2))) { e in
            XCTAssertTrue("\(e)".contains("near_duplicate_rate"), "\(e)")
        }
    }
}
