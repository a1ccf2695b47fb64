import Foundation
@testable import RaditData
import RaditRetrieval
import RaditTestSupport
import XCTest

final class ExportTests: XCTestCase {
    func testChatJSONLMatchesTheFineTuningShape() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 300, seed: 6))
        let splitOf = Dictionary(uniqueKeysWithValues: kb.questions.map { ($0.id, $0.split.exportSplit) })
        let raft = try RaftBuilder(oracleShare: 0.8, distractors: 3, seed: 0)
            .build(kb.examples(), corpus: kb.corpus, source: .random, supporting: kb.supportingSentences)
        let examples = raft.map { TrainingExample($0, system: "Answer from the documents.", split: splitOf[$0.questionID]) }
        let dir = Fixtures.temporaryDirectory("export")
        let exporter = try FineTuningExporter(seed: 0)
        let urls = try exporter.write(examples, format: .chat, to: dir, name: "raft").urls
        var lines = 0
        for split in ExportSplit.allCases {
            let text = try String(contentsOf: urls[split]!, encoding: .utf8)
            for line in text.split(separator: "\n") {
                lines += 1
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                let messages = try XCTUnwrap(object?["messages"] as? [[String: Any]], "no messages array")
                XCTAssertEqual(object?.count, 1)
                XCTAssertEqual(messages.compactMap { $0["role"] as? String }, ["system", "user", "assistant"])
                for m in messages {
                    let content = try XCTUnwrap(m["content"] as? String)
                    XCTAssertFalse(content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                }
            }
            let expected = examples.filter { $0.split == split }.count
            XCTAssertEqual(text.split(separator: "\n").count, expected, "\(split)")
            XCTAssertGreaterThan(expected, 0, "\(split)")
        }
        XCTAssertEqual(lines, examples.count)
    }

    func testPromptCompletionAndHashedSplits() throws {
        let kb = try SynthKB.generate(SynthKBConfig(entities: 200, seed: 6))
        let rait = try RAITBuilder(k: 2, seed: 0).build(kb.examples(), corpus: kb.corpus, retriever: BM25Retriever(corpus: kb.corpus))
        let examples = rait.map { TrainingExample($0, system: nil) }
        let dir = Fixtures.temporaryDirectory("export-pc")
        let exporter = try FineTuningExporter(trainShare: 0.8, validationShare: 0.1, testShare: 0.1, seed: 1)
        let urls = try exporter.write(examples, format: .promptCompletion, to: dir, name: "rait").urls
        var counts: [ExportSplit: Int] = [:]
        for (split, url) in urls {
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
                XCTAssertEqual(Set(object.keys), ["prompt", "completion"])
                XCTAssertTrue(object["prompt"]!.hasPrefix("Background: "))
                // The prompt ends with the separator, the completion is " answer" + stop marker.
                XCTAssertTrue(object["prompt"]!.hasSuffix("Answer:" + FineTuningExporter.promptSeparator), object["prompt"]!)
                let completion = object["completion"]!
                XCTAssertTrue(completion.hasPrefix(" ") && completion.hasSuffix(FineTuningExporter.completionStop), completion)
                XCTAssertFalse(completion.dropFirst().dropLast(FineTuningExporter.completionStop.count).trimmingCharacters(in: .whitespaces).isEmpty)
                counts[split, default: 0] += 1
            }
        }
        XCTAssertEqual(counts.values.reduce(0, +), examples.count)
        XCTAssertGreaterThan(Double(counts[.train] ?? 0) / Double(examples.count), 0.7)
        // Chat lines without a system prompt hold user then assistant.
        let chat = try FineTuningExporter.line(examples[0], format: .chat)
        let messages = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(chat.utf8)) as? [String: Any])?["messages"] as? [[String: String]])
        XCTAssertEqual(messages.map { $0["role"]! }, ["user", "assistant"])
    }

    /// Exports split by question: on the HotpotQA sample, no question's RA-IT (k = 3, one
    /// instance per chunk) or RAFT instances land in two of train/validation/test.
    func testHotpotQAExportsKeepEachQuestionInOneSplit() throws {
        let file = Fixtures.sharedData("hotpotqa_dev_distractor_sample100/hotpot_dev_distractor_sample100.json").path
        let data = try DatasetReader.read(file)
        let rait = try RAITBuilder(k: 3, seed: 0).build(data.queries.examples, corpus: data.corpus, retriever: BM25Retriever(corpus: data.corpus))
        let raft = try RaftBuilder(oracleShare: 0.8, distractors: 4, seed: 0)
            .build(data.queries.examples, corpus: data.corpus, source: .random)
        // Several RAFT instances per question, as a multi-epoch RAFT set has (other seeds).
        let raftMore = try RaftBuilder(oracleShare: 0.8, distractors: 4, seed: 1)
            .build(data.queries.examples, corpus: data.corpus, source: .random)
        let exporter = try FineTuningExporter(seed: 0)
        for (name, examples) in [("rait", rait.map { TrainingExample($0, system: nil) }),
                                 ("raft", (raft + raftMore).map { TrainingExample($0, system: nil) })] {
            let dir = Fixtures.temporaryDirectory("export-\(name)")
            let files = try exporter.write(examples, format: .chat, to: dir, name: name)
            var splitsOf: [String: Set<ExportSplit>] = [:]
            for e in examples { splitsOf[e.group, default: []].insert(exporter.split(of: e)) }
            XCTAssertEqual(splitsOf.count, 100, name)
            let straddling = splitsOf.filter { $0.value.count > 1 }.map(\.key)
            XCTAssertEqual(straddling, [], "\(name): questions in more than one split")
            // The files agree: every line of a split belongs to a question of that split only.
            for split in ExportSplit.allCases {
                let lines = try String(contentsOf: files.urls[split]!, encoding: .utf8).split(separator: "\n").count
                XCTAssertEqual(lines, files.counts[split] ?? 0)
            }
            XCTAssertTrue(files.emptySplits.isEmpty, "\(name): 100 questions fill every split")
        }
        // Instances of one question really differ (3 chunks each), so an id-keyed split would scatter them.
        XCTAssertEqual(rait.count, 300)
    }
}
