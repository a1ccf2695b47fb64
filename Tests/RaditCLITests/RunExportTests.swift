import Foundation
@testable import RaditExperiments
import RaditModels
import RaditTestSupport
import RaditText
import XCTest

/// `radit export`'s library side on a short run of the tiny byte-level models: the run's
/// checkpoint is restored into rebuilt models, both folders are written atomically, and
/// they reload in Radit (as `lm generate --model` and `bench retrieval --query-encoder`
/// load them) to the reference outputs Radit computes from the run.
final class RunExportTests: XCTestCase {
    func tinyRun() throws -> URL {
        let root = Fixtures.repoRoot
        let dir = Fixtures.temporaryDirectory("export-run").appendingPathComponent("tiny")
        let overrides = ["train.steps=3", "data.train_limit=8", "data.dev_limit=2", "eval.table=false"]
        var c = try ExperimentConfig.parse(String(contentsOf: root.appendingPathComponent("experiments/tiny.toml"), encoding: .utf8),
                                           file: "tiny.toml")
        try c.apply(overrides: overrides)
        let run = try ExperimentRun(create: dir, config: c, overrides: overrides, root: root)
        XCTAssertNotNil(try run.execute(backend: NativeBackend(), root: root))
        return dir
    }

    func testExportedFoldersReloadToRaditsOwnOutputs() throws {
        let dir = try tinyRun()
        let export = try RunExport(run: dir, root: Fixtures.repoRoot, checkpoint: .best)
        XCTAssertEqual(export.step, 3)
        XCTAssertEqual(export.checkpoint.lastPathComponent, "ckpt-00000003.h5", "no dev evaluation: best falls back to the latest")
        let prompt = "Background: Ada lives in Quon.\n\nQuestion: Where does Ada live?\nAnswer:"
        let sentences = ["Where does Ada live?", "Ünïcödé query"]
        let reference = try export.reference(prompts: [prompt], sentences: sentences)

        let lmFolder = dir.appendingPathComponent("export/lm")
        let retrieverFolder = dir.appendingPathComponent("export/retriever")
        try export.writeLM(to: lmFolder)
        try export.writeRetriever(to: retrieverFolder)

        let bundle = try LlamaBundle(path: lmFolder)
        let ids = bundle.tokenizer.encode(prompt).ids
        XCTAssertEqual(ids, reference.lm[0].ids)
        let logits = bundle.model.logits(try LlamaBatch(sequences: [ids])).scalars
        let mine = reference.lm[0].logits
        XCTAssertEqual(logits.count, mine.count)
        let range = mine.max()! - mine.min()!
        var worst: Float = 0
        for i in mine.indices { worst = max(worst, abs(logits[i] - mine[i])) }
        XCTAssertLessThanOrEqual(worst, 1e-5 * range)

        let encoder = try BertEncoder<Float>.load(directory: retrieverFolder)
        let tokenizer = try Tokenizer(tokenizerJSON: retrieverFolder.appendingPathComponent("tokenizer.json"))
        let sequences = sentences.map { tokenizer.encode($0).ids }
        XCTAssertEqual(sequences, reference.retriever.map(\.ids))
        let embeddings = try encoder.encode(sequences)
        XCTAssertEqual(embeddings, reference.retriever.flatMap(\.embedding))

        // A non-empty destination is refused, replaced only with overwrite.
        XCTAssertThrowsError(try export.writeLM(to: lmFolder)) { e in
            XCTAssertEqual(e as? ExportError, .destinationExists(path: lmFolder.path))
        }
        try export.writeLM(to: lmFolder, overwrite: true)
        XCTAssertEqual(try LlamaBundle(path: lmFolder).model.logits(try LlamaBatch(sequences: [ids])).scalars, logits)
    }

    func testAFailedExportLeavesTheDestinationAsItWas() throws {
        let parent = Fixtures.temporaryDirectory("export-atomic")
        let dst = parent.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dst, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: dst.appendingPathComponent("keep.txt"))
        struct Boom: Error {}
        XCTAssertThrowsError(try RunExport.writeFolder(dst, overwrite: true) { tmp in
            try Data("new".utf8).write(to: tmp.appendingPathComponent("half.txt"))
            throw Boom()
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["out"], "no temporary folder left")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dst.path), ["keep.txt"])
        try RunExport.writeFolder(dst, overwrite: true) { tmp in try Data("new".utf8).write(to: tmp.appendingPathComponent("new.txt")) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["out"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dst.path), ["new.txt"])
    }

    func testARunWithoutACheckpointIsRefused() throws {
        let dir = Fixtures.temporaryDirectory("export-none")
        XCTAssertThrowsError(try RunExport(run: dir, root: Fixtures.repoRoot)) { e in
            XCTAssertTrue((e as? RunError).map { if case .notARun = $0 { return true }; return false } ?? false, "\(e)")
        }
    }
}
