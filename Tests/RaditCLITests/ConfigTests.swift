import Foundation
@testable import RaditExperiments
import RaditTestSupport
import RaditKernels
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

    func testParsesTypedValuesAndMarksNonDefaults() throws {
        let c = try ExperimentConfig.parse("""
            [train]
            schedule = "cached"
            steps = 20
            lm_lr = 3e-4
            retriever_temperature = 1   # an integer is a number
            [eval]
            recall_at = [1, 10]
            """, file: "x.toml")
        XCTAssertEqual(c.int("train.steps"), 20)
        XCTAssertEqual(c.double("train.lm_lr"), 3e-4)
        XCTAssertEqual(c.double("train.retriever_temperature"), 1)
        XCTAssertEqual(c.ints("eval.recall_at"), [1, 10])
        XCTAssertEqual(c.choice("train.schedule") as TuningSchedule, .cached)
        XCTAssertEqual(c.nonDefaultKeys, ["train.schedule", "train.steps", "train.lm_lr",
                                          "train.retriever_temperature", "eval.recall_at"])
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
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nfoo_bar_baz_qux = 3", file: "a.toml") }
            .contains("`radit config explain` lists every key"))
    }

    /// Renamed keys say what replaced them (the old `[sweep] seeds` is a grid axis now).
    func testRetiredKeysAreRefused() {
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\nseeds = [0, 1]", file: "s.toml") }
            .contains("s.toml: `sweep.seeds` is no longer a key: seeds are a grid axis"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nraft_p = 0.5", file: "r.toml") }
            .contains("`train.raft_p` is no longer a key: use `train.oracle_share`"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[index]\nchunk_size = 64") }.contains("data.chunk_tokens"))
        var c = ExperimentConfig()
        XCTAssertTrue(error { try c.apply(overrides: ["train.raft_p=0.5"]) }.contains("train.oracle_share"))
    }

    func testWrongTypesNameTheKey() {
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nsteps = \"ten\"") }.contains("`train.steps` must be an integer"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train]\nschedule = \"both\"") }.contains("`train.schedule` must be one of"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[eval]\nrecall_at = [1, \"5\"]") }.contains("eval.recall_at"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[train\nsteps = 1", file: "b.toml") }.contains("b.toml:1:"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[data]\nquestion_kinds = \"single_hop, triple\"") }
            .contains("`data.question_kinds` must be a comma-separated list of single_hop, bridge, comparison"))
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
        XCTAssertTrue(invalid(["train.lm_source=raft"]).contains("`train.oracle_share` must be set with train.lm_source = \"raft\""))
        // Set explicitly, even to the default 0, the oracle share is accepted for RAFT.
        XCTAssertTrue(invalid(["train.lm_source=raft", "train.oracle_share=0"]).contains("`train.raft_distractors` is required"))
        XCTAssertTrue(invalid(["train.lm_source=raft", "train.oracle_share=1.5", "train.raft_distractors=1"])
            .contains("`train.oracle_share` P = 1.5 is outside [0, 1]"))
        XCTAssertTrue(invalid(["train.lm_adam_beta2=1"]).contains("`train.lm_adam_beta2` is 1.0; an Adam β is in [0, 1)"))
        XCTAssertTrue(invalid(["train.retriever_weight_decay=-1"]).contains("train.retriever_weight_decay"))
        XCTAssertTrue(invalid(["data.dev_fraction=0.6", "data.test_fraction=0.5"]).contains("data.test_fraction"))
        XCTAssertTrue(invalid(["data.chunk_tokens=16", "data.chunk_overlap=16"]).contains("`data.chunk_overlap`"))
        XCTAssertTrue(invalid(["data.chunk_overlap=4"]).contains("needs chunking"))
        XCTAssertTrue(invalid(["data.question_kinds=\"\""]).contains("data.question_kinds"))
        XCTAssertTrue(invalid(["data.source=hotpotqa", "data.path=/nonexistent/h.json"]).contains("`data.path`"))
    }

    /// The settings decode every key into typed values; the engine's option structs get
    /// the schema's defaults (they have none of their own).
    func testDefaultsDecodeIntoTypedSettings() throws {
        let s = try ExperimentConfig().settings()
        XCTAssertEqual(s.eval.inference.temperature, 0.1)
        XCTAssertEqual(s.train.tuning.objective.retrieverTemperature, 0.1)
        XCTAssertEqual(s.train.tuning.objective.lmTemperature, 0.1)
        XCTAssertEqual(s.train.tuning.lmRate, .cosine(peak: 1e-4, minimum: 0, warmupSteps: 0, totalSteps: 100))
        XCTAssertEqual(s.lm.loraDropout, 0)
        XCTAssertEqual(s.lm.format.template.text, "Background: {c}\n\nQuestion: {x}\nAnswer: {y}")
        XCTAssertEqual(s.train.lmOptimizer.adamW, AdamWConfig(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01))
        XCTAssertEqual(s.train.lmOptimizer.clipNorm, 1)
        XCTAssertEqual(s.data.questionKinds, [.singleHop])
        var c = ExperimentConfig()
        try c.apply(overrides: ["train.retriever_clip_norm=0", "lm.lora_targets=all", "data.question_kinds=bridge, single_hop",
                                "train.lm_micro_batch=2", "lm.scoring_batch=3", "train.lm_adam_beta1=0.8"])
        let t = try c.settings()
        XCTAssertNil(t.train.retrieverOptimizer.clipNorm)
        XCTAssertEqual(t.lm.loraTargets, .allLinear)
        XCTAssertEqual(t.data.questionKinds, [.bridge, .singleHop])
        XCTAssertEqual(t.train.lmMicroBatch, 2)
        XCTAssertEqual(t.lm.scoringBatch, 3)
        XCTAssertEqual(t.train.lmOptimizer.adamW.beta1, 0.8)
    }

    /// The resolved config in run.h5 holds every schema key.
    func testResolvedJSONHoldsEveryKey() throws {
        let json = try JSONSerialization.jsonObject(with: Data(ExperimentConfig().resolvedJSON().utf8)) as? [String: [String: Any]]
        let keys = Set((json ?? [:]).flatMap { section, items in items.keys.map { "\(section).\($0)" } })
        XCTAssertEqual(keys, Set(ConfigSchema.fields.map(\.key)))
    }

    /// `radit config explain`: type, default, allowed values and meaning of a key, a
    /// section or every key; an unknown key is an error with a suggestion.
    func testExplain() throws {
        let one = try ConfigSchema.explain("train.kl_direction")
        XCTAssertTrue(one.hasPrefix("train.kl_direction\n  type:    choice\n  default: \"target_to_retriever\"\n"), one)
        XCTAssertTrue(one.contains("  allowed: target_to_retriever, retriever_to_target"), one)
        XCTAssertTrue(one.contains("RA-DIT Eq. 5"), one)
        let section = try ConfigSchema.explain("data")
        XCTAssertTrue(section.contains("data.chunk_tokens") && !section.contains("train.steps"))
        let all = try ConfigSchema.explain()
        for f in ConfigSchema.fields { XCTAssertTrue(all.contains(f.key + "\n"), f.key) }
        XCTAssertTrue(error { _ = try ConfigSchema.explain("train.stepz") }.contains("did you mean `train.steps`"))
        XCTAssertTrue(try ConfigSchema.explain("index.kind").contains("reserved"))
    }

    /// README's config reference is the generated one, so it cannot fall behind the schema.
    func testReadmeReferenceIsGenerated() throws {
        let readme = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let begin = readme.range(of: ConfigSchema.referenceBegin + "\n"),
              let end = readme.range(of: ConfigSchema.referenceEnd, range: begin.upperBound..<readme.endIndex) else {
            return XCTFail("README.md lacks the config-reference markers")
        }
        XCTAssertEqual(String(readme[begin.upperBound..<end.lowerBound]), ConfigSchema.markdownReference(),
                       "regenerate: radit config explain --markdown, between the markers in README.md")
    }

    /// Configuration in one place: no Swift file outside Sources/RaditExperiments/Config/
    /// spells a config key as a string literal: `"train.steps"`, or the start of one
    /// (`"train.\(stage)_lr"`). Other dotted names (checkpoint tensors `"lm.dropout_rng"`)
    /// are not keys.
    func testNoKeyLiteralOutsideConfig() throws {
        let sources = Fixtures.repoRoot.appendingPathComponent("Sources")
        let config = sources.appendingPathComponent("RaditExperiments/Config").path + "/"
        let keys = ConfigSchema.fields.map(\.key) + ConfigSchema.retired.keys
        // A literal `"section.name…` whose name is a key or starts one; a bare `"section.`
        // counts only when an interpolation follows (`"train.\(stage)_lr"`).
        let pattern = try NSRegularExpression(pattern: "\"((?:" + ConfigSchema.sections.joined(separator: "|") + ")\\.([a-z_0-9]*))(.?)")
        func keyLiterals(_ line: String) -> [String] {
            pattern.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap { m -> String? in
                guard let literal = Range(m.range(at: 1), in: line).map({ String(line[$0]) }),
                      let name = Range(m.range(at: 2), in: line).map({ String(line[$0]) }),
                      let next = Range(m.range(at: 3), in: line).map({ String(line[$0]) }) else { return nil }
                if name.isEmpty && next != "\\" { return nil }
                return keys.contains { $0.hasPrefix(literal) } ? literal : nil
            }
        }
        var offenders: [String] = []
        var checked = 0
        let walker = FileManager.default.enumerator(atPath: sources.path)
        while let rel = walker?.nextObject() as? String {
            guard rel.hasSuffix(".swift") else { continue }
            let path = sources.appendingPathComponent(rel).path
            if path.hasPrefix(config) { continue }
            checked += 1
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !keyLiterals(String(line)).isEmpty {
                offenders.append("\(rel):\(n + 1): \(line)")
            }
        }
        XCTAssertGreaterThan(checked, 50, "the walk found the sources")
        XCTAssertEqual(offenders, [], offenders.joined(separator: "\n"))
        // The check can fail: it finds a key, the start of one, and a retired key; not a tensor name.
        XCTAssertEqual(keyLiterals("config.int(\"train.steps\")"), ["train.steps"])
        XCTAssertEqual(keyLiterals("double(\"train.\\(stage)_lr\")"), ["train."])
        XCTAssertEqual(keyLiterals("x[\"train.raft_p\"]"), ["train.raft_p"])
        XCTAssertEqual(keyLiterals("CheckpointTensor(.extra, \"lm.dropout_rng\", t)"), [])
        XCTAssertEqual(keyLiterals("ArenaCheckpoint.tensors(model.arena, prefix: \"lm.\")"), [])
    }

    func testEveryShippedExperimentParses() throws {
        let dir = Fixtures.repoRoot.appendingPathComponent("experiments")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasSuffix(".toml") } ?? []
        XCTAssertTrue(files.contains("raft_table1.toml") && files.contains("ablation_p.toml"), "\(files)")
        for f in files {
            let c = try ExperimentConfig.load(dir.appendingPathComponent(f))
            if c.sweep != nil {
                // A sweep file: every cell must be a valid run.
                let sweep = try Sweep(config: c, runsDirectory: Fixtures.temporaryDirectory("parse"))
                XCTAssertGreaterThan(sweep.cells.count, 1, f)
                try sweep.validate(root: Fixtures.repoRoot, checkFiles: false)
            } else {
                try c.validate(checkFiles: false)
            }
        }
    }
}
