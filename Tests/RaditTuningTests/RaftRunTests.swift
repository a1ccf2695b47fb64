import Foundation
import RaditData
@testable import RaditExperiments
import RaditTestSupport
@testable import RaditTuning
import XCTest

/// RAFT inside `radit run` as the paper trains it (issue 12 §6): `<DOCUMENT>` prompts, the
/// chain-of-thought target with quotes and `<ANSWER>:`, every document kept whole (the
/// sizes are checked before training), the answer read after `<ANSWER>:`.
final class RaftRunTests: XCTestCase {
    /// The RAFT recipe over the toy KB, with n distractors and a tiny byte-level Llama.
    func settings(_ extra: [String] = []) throws -> (ExperimentConfig, RunSettings) {
        var c = try ExperimentConfig.parse("[data]\nentities = 16\n[train]\nrecipe = \"raft\"\n", file: "raft.toml")
        try c.apply(overrides: ["lm.model=tiny", "retriever.model=tiny", "train.raft_distractors=2"] + extra)
        try c.validate(checkFiles: false)
        return (c, try c.settings())
    }

    func testRecipeTrainsOnTheRaftPromptAndCoTAnswer() throws {
        let kb = ToyKB(entities: 16, seed: 0)
        let (_, s) = try settings()
        XCTAssertEqual(s.train.tuning.lmSource, .raft)
        XCTAssertEqual(s.train.tuning.oracleShare, 0.8)
        XCTAssertEqual(s.lm.format.answerTag, RaftFormat.answerTag)
        XCTAssertEqual(s.eval.inference.mode, .concat)
        let built = try RaftTraining.build(s, corpus: kb.corpus, train: kb.train)
        XCTAssertEqual(built.count, kb.train.count)
        XCTAssertTrue(built.contains { $0.oracleIncluded } && built.contains { !$0.oracleIncluded }, "P = 0.8 over 24 questions")
        for r in built {
            let pair = try RaftTraining.pair(r, settings: s, corpus: kb.corpus)
            // Exactly the instruction `radit generate raft` exports, every document in it.
            XCTAssertEqual(pair.prompt, RaftFormat.instruction(documents: r.documents, question: r.question) + "\n")
            XCTAssertEqual(r.documents.count, r.oracleIncluded ? 3 : 2 + r.goldIDs.count)
            for d in r.documents { XCTAssertTrue(pair.prompt.contains("<DOCUMENT>\(d.text)</DOCUMENT>"), d.id) }
            // The CoT target quotes the oracle (with or without it in the prompt) and ends
            // with the answer, which evaluation reads after `<ANSWER>:`.
            XCTAssertEqual(pair.answer, r.cotAnswer)
            XCTAssertFalse(RaftFormat.quotes(in: pair.answer).isEmpty, pair.answer)
            XCTAssertEqual(s.lm.format.extractAnswer(s.lm.format.answerTag + pair.answer), r.answer)
            // Evaluation (`concat`) builds its prompt through the same format.
            let chunks = r.documents.map { s.lm.format.chunkText(kb.corpus[id: $0.id]!) }
            XCTAssertEqual(s.lm.format.prompt(question: r.question, chunks: chunks), pair.prompt)
        }
        // `short` is the option that trains the bare answer.
        let (_, short) = try settings(["train.raft_answer=short"])
        let r = try RaftTraining.build(short, corpus: kb.corpus, train: kb.train)[0]
        XCTAssertEqual(try RaftTraining.pair(r, settings: short, corpus: kb.corpus).answer, r.answer)
    }

    /// Token counts are checked: with lm.max_length at the longest instance every prompt
    /// reaches LM-ft whole (no document cut); one token less fails, naming the sizes.
    func testEveryDocumentIsKeptOrTheRunFailsNamingTheSizes() throws {
        let kb = ToyKB(entities: 16, seed: 0)
        let (c, s) = try settings()
        let instances = try RaftTraining.instances(s, corpus: kb.corpus, train: kb.train)
        let lm = try NativeBackend.languageModel(s, root: URL(fileURLWithPath: "/"))
        let counts = instances.flatMap { $0 }.map { lm.tokenCounts($0) }
        let longest = counts.map { $0.prompt + $0.answer }.max()!
        XCTAssertLessThan(longest, lm.model.config.maxPositions, "the tiny model must hold the instances for this test")
        lm.maxLength = longest
        XCTAssertNoThrow(try c.validate(raftInstances: instances, budget: lm))
        for pair in instances.flatMap({ $0 }) {
            let trained = lm.tokens(pair)
            XCTAssertEqual(trained.prompt, lm.promptIDs(pair.prompt), "the prompt reaches training uncut")
            XCTAssertEqual(trained.answer, lm.answerIDs(pair.answer))
        }
        lm.maxLength = longest - 1
        XCTAssertThrowsError(try c.validate(raftInstances: instances, budget: lm)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("lm.max_length"), m)
            XCTAssertTrue(m.contains("the longest is \(longest) tokens"), m)
            XCTAssertTrue(m.contains("no document is dropped"), m)
        }
    }

    /// `radit run` with RAFT's recipe and too small an lm.max_length stops before training.
    func testRunRefusesInstancesThatDoNotFit() throws {
        let dir = Fixtures.temporaryDirectory("raft-fit").appendingPathComponent("raft")
        var c = try ExperimentConfig.parse("[data]\nentities = 20\n[train]\nrecipe = \"raft\"\nsteps = 2\n", file: "raft.toml")
        let sets = ["lm.model=tiny", "retriever.model=tiny", "lm.max_length=48"]
        try c.apply(overrides: sets)
        let run = try ExperimentRun(create: dir, config: c, overrides: sets, root: dir)
        XCTAssertThrowsError(try run.execute(backend: NativeBackend(), root: dir)) { e in
            XCTAssertTrue("\(e)".contains("`lm.max_length` = 48 tokens is too short"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run.h5").path), "nothing trained")
    }
}
