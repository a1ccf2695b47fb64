import Foundation
@testable import RaditData
import RaditRetrieval
import RaditTestSupport
import XCTest

final class RaftBuilderTests: XCTestCase {
    /// 300 chunks and `n` questions each with one (or two) gold chunks.
    func synthetic(_ n: Int, goldPerQuestion: Int = 1) throws -> (Corpus, [Example]) {
        let corpus = try Corpus((0..<300).map { Chunk(id: "c\($0)", title: "T\($0)", text: "Chunk \($0) says fact \($0).") })
        let examples = (0..<n).map { i in
            Example(id: "q\(i)", question: "What does chunk \(i % 300) say?", answers: ["fact \(i % 300)"],
                    gold: (0..<goldPerQuestion).map { Relevance(id: "c\((i + 97 * $0) % 300)") })
        }
        return (corpus, examples)
    }

    func testOracleShareAndDistractorCountOn10kInstances() throws {
        for (p, n, goldCount) in [(0.7, 3, 1), (0.2, 4, 2)] {
            let (corpus, examples) = try synthetic(10_000, goldPerQuestion: goldCount)
            let builder = try RaftBuilder(oracleShare: p, distractors: n, seed: 42)
            let instances = try builder.build(examples, corpus: corpus, source: .random)
            XCTAssertEqual(instances.count, 10_000)
            var withOracle = 0
            for (r, e) in zip(instances, examples) {
                let gold = Set(e.gold.map(\.id))
                let docs = r.documents.map(\.id)
                XCTAssertEqual(Set(docs).count, docs.count, "duplicate documents in \(r.id)")
                XCTAssertEqual(docs.count, n + goldCount, "document count must not reveal the oracle")
                let goldIn = docs.filter(gold.contains).count
                if r.oracleIncluded {
                    withOracle += 1
                    XCTAssertEqual(goldIn, goldCount)
                } else {
                    XCTAssertEqual(goldIn, 0, "a distractor was a gold chunk in \(r.id)")
                }
                XCTAssertEqual(r.oracleShare, p)
                XCTAssertEqual(r.distractors, n)
            }
            let share = Double(withOracle) / 10_000
            let sigma = (p * (1 - p) / 10_000).squareRoot()
            XCTAssertLessThan(abs(share - p), 4 * sigma, "oracle share \(share) vs P = \(p)")
            // The documents are shuffled: the oracle is not always first.
            let firstIsGold = zip(instances, examples).filter { $0.0.oracleIncluded && $0.0.documents[0].id == $0.1.gold[0].id }.count
            XCTAssertLessThan(Double(firstIsGold) / Double(withOracle), 0.5)
        }
    }

    func testRequiredOptionsAreValidated() {
        XCTAssertThrowsError(try RaftBuilder(oracleShare: 1.5, distractors: 3, seed: 0))
        XCTAssertThrowsError(try RaftBuilder(oracleShare: 0.5, distractors: -1, seed: 0))
    }

    func testHardDistractorsScoreHigherThanRandomAndAreNeverGold() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 400, seed: 9))
        let corpus = kb.corpus
        let examples = kb.examples(.train)
        let builder = try RaftBuilder(oracleShare: 0.5, distractors: 4, seed: 1)
        let bm25 = BM25Retriever(corpus: corpus)
        let dense = try DenseRetriever(corpus: corpus, documents: ToyEmbedder())
        let all = try dense.search(examples.map(\.question), k: corpus.count)

        func meanScores(_ source: DistractorSource) throws -> (bm25: Double, dense: Double) {
            let instances = try builder.build(examples, corpus: corpus, source: source, supporting: kb.supportingSentences)
            var sb = 0.0, sd = 0.0, count = 0.0
            for (i, (r, e)) in zip(instances, examples).enumerated() {
                let gold = Set(e.gold.map(\.id))
                let b = bm25.scores(e.question)
                let d = Dictionary(uniqueKeysWithValues: all.hits(i).map { ($0.id, Double($0.score)) })
                for doc in r.documents where !gold.contains(doc.id) {
                    let p = corpus.position(of: doc.id)!
                    sb += Double(b[p]); sd += d[p]!; count += 1
                }
                XCTAssertEqual(r.documents.filter { gold.contains($0.id) }.count, r.oracleIncluded ? gold.count : 0)
            }
            return (sb / count, sd / count)
        }
        let random = try meanScores(.random)
        let hardBM25 = try meanScores(.retrieved(bm25, kind: .bm25))
        let hardDense = try meanScores(.retrieved(dense, kind: .dense))
        print("mean distractor BM25 score: random \(random.bm25), bm25 \(hardBM25.bm25); "
              + "mean toy-dense cosine: random \(random.dense), dense \(hardDense.dense)")
        XCTAssertGreaterThan(hardBM25.bm25, 2 * random.bm25)
        XCTAssertGreaterThan(hardDense.dense, random.dense + 0.1)
    }

    func testSameSeedSameBytesOtherSeedDiffers() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 200, seed: 1))
        let dir = Fixtures.temporaryDirectory("raft-bytes")
        func run(_ seed: UInt64, _ name: String) throws -> Data {
            let url = dir.appendingPathComponent(name)
            try RaftBuilder(oracleShare: 0.8, distractors: 3, seed: seed)
                .write(kb.examples(), corpus: kb.corpus, source: .retrieved(BM25Retriever(corpus: kb.corpus), kind: .bm25), supporting: kb.supportingSentences, to: url)
            return try Data(contentsOf: url)
        }
        let a = try run(5, "a.jsonl"), b = try run(5, "b.jsonl"), c = try run(6, "c.jsonl")
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertFalse(a.isEmpty)
    }

    func testInterruptedWriteResumesToTheSameFile() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 200, seed: 4))
        let examples = kb.examples()
        let dir = Fixtures.temporaryDirectory("raft-resume")
        let builder = try RaftBuilder(oracleShare: 0.6, distractors: 2, seed: 3)
        let whole = dir.appendingPathComponent("whole.jsonl"), resumed = dir.appendingPathComponent("resumed.jsonl")
        try builder.write(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences, to: whole)

        let first = try builder.write(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences,
                                      to: resumed, progress: { _ in .stop })
        XCTAssertFalse(first.complete)
        XCTAssertEqual(first.written, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: resumed.path), "an unfinished file keeps its .partial name")
        // Simulate a crash in the middle of a line.
        let partial = resumed.appendingPathExtension("partial")
        let handle = try FileHandle(forWritingTo: partial)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"id\":\"raft-cut".utf8))
        try handle.close()

        let second = try builder.write(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences, to: resumed)
        XCTAssertTrue(second.complete)
        XCTAssertEqual(second.alreadyPresent, 64)
        XCTAssertEqual(second.written, examples.count - 64)
        XCTAssertEqual(try Data(contentsOf: resumed), try Data(contentsOf: whole))
        // Running again on a complete file writes nothing and keeps it.
        let third = try builder.write(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences, to: resumed)
        XCTAssertEqual(third.written, 0)
        XCTAssertEqual(try Data(contentsOf: resumed), try Data(contentsOf: whole))
        // Other settings never append to a file of this configuration.
        let otherP = try RaftBuilder(oracleShare: 0.7, distractors: 2, seed: 3)
        XCTAssertThrowsError(try otherP.write(examples, corpus: kb.corpus, source: .random, to: resumed)) { e in
            XCTAssertTrue("\(e)".contains("\"p\":0.6"), "\(e)")
        }
        XCTAssertEqual(try Data(contentsOf: resumed), try Data(contentsOf: whole))
    }

    func testAddingQuestionsNeverChangesEarlierInstances() throws {
        let (corpus, examples) = try synthetic(400)
        let builder = try RaftBuilder(oracleShare: 0.5, distractors: 3, seed: 8)
        let few = try builder.build(Array(examples.prefix(100)), corpus: corpus, source: .random)
        let many = try builder.build(examples, corpus: corpus, source: .random)
        XCTAssertEqual(few, Array(many.prefix(100)))
    }

    func testHotpotQASampleQuotesRealSupportingSentences() throws {
        let file = Fixtures.sharedData("hotpotqa_dev_distractor_sample100/hotpot_dev_distractor_sample100.json").path
        let data = try DatasetReader.read(file)
        let support = try HotpotQASupport.read(file: file)
        let instances = try RaftBuilder(oracleShare: 0.8, distractors: 4, seed: 0)
            .build(data.queries.examples, corpus: data.corpus, source: .retrieved(BM25Retriever(corpus: data.corpus), kind: .bm25),
                   supporting: support)
        XCTAssertEqual(instances.count, 100)
        var quoted = 0
        for r in instances {
            let quotes = RaftFormat.quotes(in: r.cotAnswer)
            let gold = r.goldIDs.compactMap { data.corpus[id: $0]?.text }
            for q in quotes {
                XCTAssertTrue(gold.contains { $0.contains(q) }, "quote not verbatim in a gold chunk of \(r.id): \(q)")
                XCTAssertTrue(support[r.questionID]!.contains(q), "quote is not a supporting sentence: \(q)")
                if r.oracleIncluded { XCTAssertTrue(r.documents.contains { $0.text.contains(q) }) }
            }
            // RAFT: instances without the oracle keep the same CoT answer, quotes included.
            XCTAssertFalse(quotes.isEmpty, "instance \(r.id) quotes nothing")
            if r.oracleIncluded { quoted += 1 }
            XCTAssertEqual(RaftFormat.extractAnswer(r.cotAnswer), r.answer)
            XCTAssertTrue(r.cotAnswer.hasPrefix("##Reason: "))
            XCTAssertEqual(r.instruction.components(separatedBy: "<DOCUMENT>").count - 1, r.documents.count)
            XCTAssertTrue(r.instruction.hasSuffix(r.question))
        }
        XCTAssertGreaterThan(quoted, 60)
    }

    func testSQuADQuotesTheSentenceHoldingTheAnswer() throws {
        let data = try DatasetReader.read(Fixtures.sharedData("xquad_en/xquad.en.json").path)
        let examples = Array(data.queries.examples.prefix(300))
        let instances = try RaftBuilder(oracleShare: 1, distractors: 3, seed: 0)
            .build(examples, corpus: data.corpus, source: .random)
        XCTAssertEqual(instances.count, examples.count)
        var withQuote = 0
        for (r, e) in zip(instances, examples) {
            let quotes = RaftFormat.quotes(in: r.cotAnswer)
            for q in quotes {
                XCTAssertTrue(r.documents.contains { $0.text.contains(q) }, q)
                XCTAssertTrue(e.answers.contains { q.lowercased().contains($0.lowercased()) }, "\(q) lacks \(e.answers)")
            }
            if !quotes.isEmpty { withQuote += 1 }
        }
        XCTAssertGreaterThan(withQuote, 290)
    }

    /// Initials and abbreviations do not end a sentence, so the sentence holding
    /// "John C. Messenger" is quoted whole; an answer the splitter still cuts is quoted with
    /// the sentences it spans.
    func testQuotesSurviveAbbreviations() {
        let text = "The hall was designed by John C. Messenger in 1901. It opened in Jan. 1902, e.g. for concerts. Dr. Smith spoke."
        XCTAssertEqual(SentenceLocator.sentences(text),
                       ["The hall was designed by John C. Messenger in 1901.", "It opened in Jan. 1902, e.g. for concerts.", "Dr. Smith spoke."])
        XCTAssertEqual(SentenceLocator.answerSentence(in: text, answers: ["John C. Messenger"]),
                       "The hall was designed by John C. Messenger in 1901.")
        XCTAssertEqual(SentenceLocator.answerSentence(in: "Made in the U.S. Army depot. Done.", answers: ["U.S. Army"]),
                       "Made in the U.S. Army depot.")
        // A boundary inside the answer ("1901. It"): the quote spans both sentences, verbatim.
        XCTAssertEqual(SentenceLocator.answerSentence(in: text, answers: ["1901. It opened"]),
                       "The hall was designed by John C. Messenger in 1901. It opened in Jan. 1902, e.g. for concerts.")
    }

    /// Every XQuAD oracle instance quotes a sentence holding its answer (14 of 937 had
    /// none before abbreviations were handled).
    func testEveryXQuADOracleInstanceQuotes() throws {
        let data = try DatasetReader.read(Fixtures.sharedData("xquad_en/xquad.en.json").path)
        let instances = try RaftBuilder(oracleShare: 0.8, distractors: 4, seed: 0)
            .build(data.queries.examples, corpus: data.corpus, source: .random)
        let oracle = instances.filter(\.oracleIncluded)
        XCTAssertGreaterThan(oracle.count, 900)
        let unquoted = oracle.filter { RaftFormat.quotes(in: $0.cotAnswer).isEmpty }
        XCTAssertEqual(unquoted.map(\.questionID), [])
    }

    /// Instances without the oracle keep the question's CoT answer by default (RAFT paper and
    /// gorilla code); Radit's "none of the documents" target is the named option.
    func testNoOracleInstancesKeepTheSameAnswerByDefault() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 120, seed: 3))
        let examples = Array(kb.examples().prefix(200))
        let always = try RaftBuilder(oracleShare: 1, distractors: 3, seed: 0)
            .build(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences)
        let cot = Dictionary(uniqueKeysWithValues: always.map { ($0.questionID, $0.cotAnswer) })
        let half = try RaftBuilder(oracleShare: 0.5, distractors: 3, seed: 0)
            .build(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences)
        let without = half.filter { !$0.oracleIncluded }
        XCTAssertGreaterThan(without.count, 50)
        for r in half {
            XCTAssertEqual(r.cotAnswer, cot[r.questionID], r.id)
            XCTAssertEqual(r.noOracleAnswer, .sameAnswer)
        }
        let none = try RaftBuilder(oracleShare: 0.5, distractors: 3, seed: 0, noOracleAnswer: .noneOfTheDocuments)
            .build(examples, corpus: kb.corpus, source: .random, supporting: kb.supportingSentences)
        for r in none {
            if r.oracleIncluded {
                XCTAssertEqual(r.cotAnswer, cot[r.questionID])
            } else {
                XCTAssertTrue(r.cotAnswer.hasPrefix("##Reason: None of the documents answers"), r.cotAnswer)
                XCTAssertEqual(RaftFormat.extractAnswer(r.cotAnswer), r.answer)
            }
        }
        XCTAssertNotEqual(Set(none.map(\.id)), Set(half.map(\.id)), "the option is part of the instance id")
    }

    func testSentenceLocatorKeepsVerbatimSentences() {
        let text = "Alpha is first. Beta is second!  Gamma ends here? Tail"
        XCTAssertEqual(SentenceLocator.sentences(text), ["Alpha is first.", "Beta is second!", "Gamma ends here?", "Tail"])
        XCTAssertEqual(SentenceLocator.answerSentence(in: text, answers: ["second"]), "Beta is second!")
        XCTAssertNil(SentenceLocator.answerSentence(in: text, answers: ["delta"]))
    }
}
