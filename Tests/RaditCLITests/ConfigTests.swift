import Foundation
@testable import RaditExperiments
import RaditTestSupport
import RaditTuning
import XCTest

final class ConfigTests: XCTestCase {
    /// A root where both default model paths exist (empty placeholders), so file checks pass.
    func modelRoot() throws -> URL {
        let root = Fixtures.temporaryDirectory("config-root")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("models/all-MiniLM-L6-v2"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("models/SmolLM2-135M-Instruct"), withIntermediateDirectories: true)
        _ = fm.createFile(atPath: root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf").path, contents: Data())
        return root
    }

    func error(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        XCTFail("expected an error")
        return ""
    }

    func testParsesTypedValuesAndMarksNonDefaults() throws {
        let c = try ExperimentConfig.parse("""
            [train]
            schedule = "cached"
            steps = 20
            lm_lr = 3e-4
            retriever_temperature = 1   # an integer is a number
            [eval]
            recall_at = [1, 10]
            [sweep]
            seeds = [0, 1]
            "train.lm_top_k" = [1, 3]
            """, file: "x.toml")
        XCTAssertEqual(c.int("train.steps"), 20)
        XCTAssertEqual(c.double("train.lm_lr"), 3e-4)
        XCTAssertEqual(c.double("train.retriever_temperature"), 1)
        XCTAssertEqual(c.ints("eval.recall_at"), [1, 10])
        XCTAssertEqual(c.choice("train.schedule") as TuningSchedule, .cached)
        XCTAssertEqual(c.sweep.map(\.key), ["train.lm_top_k"])
        XCTAssertEqual(c.nonDefaultKeys, ["train.schedule", "train.steps", "train.lm_lr",
                                          "train.retriever_temperature", "eval.recall_at", "sweep.seeds"])
        let r = c.rendered()
        XCTAssertTrue(r.contains("steps = 20   # * (default 100)"), r)
        XCTAssertTrue(r.contains("batch_size = 4\n"), r)
        XCTAssertTrue(c.resolvedJSON().contains("\"steps\": 20"))
    }

    func testUnknownKeysAndSectionsNameTheKey() {
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nstpes = 3", file: "a.toml") }
            .contains("a.toml: unknown key `train.stpes`; did you mean `train.steps`?"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[trian]\nsteps = 3", file: "a.toml") }.contains("[trian]"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("steps = 3", file: "a.toml") }.contains("[steps]"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\n\"train.nope\" = [1]") }.contains("sweep.train.nope"))
    }

    func testWrongTypesNameTheKey() {
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nsteps = \"ten\"") }.contains("`train.steps` must be an integer"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nschedule = \"both\"") }.contains("`train.schedule` must be one of"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[eval]\nrecall_at = [1, \"5\"]") }.contains("eval.recall_at"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train\nsteps = 1", file: "b.toml") }.contains("b.toml:1:"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\n\"train.steps\" = [1, 2.5]") }.contains("sweep.train.steps"))
    }

    func testOverridesAreTypeChecked() throws {
        var c = ExperimentConfig()
        try c.apply(overrides: ["train.steps=7", "train.schedule=lm_only", "lm.answer_tag=\"<ANSWER>:\"",
                                "train.lm_lr=1e-3", "eval.recall_at=[1, 2]", "retriever.model=/tmp/m"])
        XCTAssertEqual(c.int("train.steps"), 7)
        XCTAssertEqual(c.string("train.schedule"), "lm_only")
        XCTAssertEqual(c.string("lm.answer_tag"), "<ANSWER>:")
        XCTAssertEqual(c.double("train.lm_lr"), 1e-3)
        XCTAssertEqual(c.ints("eval.recall_at"), [1, 2])
        XCTAssertEqual(c.string("retriever.model"), "/tmp/m")
        XCTAssertTrue(error { try c.apply(overrides: ["train.steps=many"]) }.contains("`train.steps` must be an integer"))
        XCTAssertTrue(error { try c.apply(overrides: ["train.schedule=both"]) }.contains("train.schedule"))
        XCTAssertTrue(error { try c.apply(overrides: ["train.stepz=1"]) }.contains("train.stepz"))
        XCTAssertTrue(error { try c.apply(overrides: ["train.steps"]) }.contains("section.key=value"))
    }

    /// Acceptance: bad configs (unknown key, k > K, P outside [0, 1], missing model) fail
    /// before any work with a message naming the key.
    func testValidationNamesTheKey() throws {
        let root = try modelRoot()
        try ExperimentConfig().validate(root: root)
        func invalid(_ overrides: [String]) -> String {
            error {
                var c = ExperimentConfig()
                try c.apply(overrides: overrides)
                try c.validate(root: root)
            }
        }
        XCTAssertTrue(invalid(["train.lm_top_k=9", "train.candidates=8"]).contains("`train.lm_top_k` k = 9 exceeds train.candidates K = 8"))
        XCTAssertTrue(invalid(["train.oracle_share=1.5"]).contains("`train.oracle_share` P = 1.5 is outside [0, 1]"))
        XCTAssertTrue(invalid(["train.oracle_share=-0.1"]).contains("train.oracle_share"))
        XCTAssertTrue(invalid(["lm.model=models/nope.gguf"]).contains("`lm.model` = \"\(root.path)/models/nope.gguf\": no such file"))
        XCTAssertTrue(invalid(["retriever.model=/nonexistent"]).contains("`retriever.model`"))
        XCTAssertTrue(invalid(["train.lm_temperature=0"]).contains("train.lm_temperature"))
        XCTAssertTrue(invalid(["lm.template=\"Q: {x}\""]).contains("lm.template"))
        XCTAssertTrue(invalid(["data.source=beir"]).contains("data.path"))
        XCTAssertTrue(invalid(["retriever.tune=both"]).contains("`retriever.tune` = \"both\" is not supported"))
        XCTAssertTrue(invalid(["retriever.trainable_layers=-1"]).contains("`retriever.trainable_layers` is -1"))
        XCTAssertTrue(invalid(["train.lm_source=raft"]).contains("`train.raft_p` is required"))
        XCTAssertTrue(invalid(["train.lm_source=raft", "train.raft_p=1.5", "train.raft_distractors=1"])
            .contains("`train.raft_p` P = 1.5 is outside [0, 1]"))
        // A sweep value is validated too.
        XCTAssertTrue(error {
            try ExperimentConfig.parse("[sweep]\n\"train.oracle_share\" = [0.5, 2.0]").validate(root: root)
        }.contains("train.oracle_share"))
    }

    func testEveryShippedExperimentParses() throws {
        let dir = Fixtures.repoRoot.appendingPathComponent("experiments")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasSuffix(".toml") } ?? []
        for f in files {
            let c = try ExperimentConfig.load(dir.appendingPathComponent(f))
            try c.validate(checkFiles: false)
        }
    }
}
