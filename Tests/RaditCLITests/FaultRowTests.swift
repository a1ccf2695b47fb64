import Foundation
import RaditStore
import RaditTestSupport
import RaditTuning
import XCTest

/// Issue 16's table, one test per row this branch owns: the built `radit` meets the
/// fault, and the test checks the exit status, the message and that no earlier file
/// changed. (SIGTERM during training: SignalSubprocessTests.)
final class FaultRowTests: XCTestCase {
    var config: String { Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml").path }
    let quick = ["train.steps=4", "train.checkpoint_every=2", "train.eval_every=0", "data.dev_limit=2",
                 "eval.table=false", "eval.max_tokens=1"]

    func sets(_ extra: [String] = []) -> [String] { (quick + extra).flatMap { ["--set", $0] } }

    /// Every file of a folder with its bytes.
    func contents(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    /// Row "disk full while `radit run` writes a checkpoint": exit 1 (not a segfault) with
    /// a message naming the file and the cause, no temporary file left, every file written
    /// before intact, and `--resume` finishes the run once there is space again.
    func testDiskFullDuringACheckpoint() throws {
        let radit = try builtRadit()
        // Big enough for the whole tiny run once the ballast is gone; filled below.
        let fs = try SmallFileSystem(megabytes: 32)
        defer { fs.unmount() }
        // Sizes from the same run on an ordinary disk.
        let reference = Fixtures.temporaryDirectory("diskfull-reference")
        defer { try? FileManager.default.removeItem(at: reference) }
        try runToEnd(radit, ["run", config, "--runs-dir", "runs", "--name", "r"] + sets(), in: reference)
        let r = reference.appendingPathComponent("runs/r")
        let before = ["base.h5", "run.h5", "lsr-cache.h5"].map { fileSize(r.appendingPathComponent($0)) }.reduce(0, +)
        let checkpoint = fileSize(r.appendingPathComponent(CheckpointLayout.fileName(step: 4)))
        XCTAssertGreaterThan(checkpoint, 16_384, "the checkpoint must be big enough to leave half of it free")
        // Room for what comes before the first checkpoint, not for the checkpoint itself.
        try fs.fill(leaving: before + 2 * 16_384 + checkpoint / 2)

        let result = try runRadit(radit, ["run", config, "--runs-dir", fs.directory.path, "--name", "full"] + sets(), in: reference)
        let run = fs.directory.appendingPathComponent("full")
        XCTAssertEqual(result.status, 1, "exit status (139 was the libhdf5 segfault): \(result.err)")
        XCTAssertTrue(result.err.contains("No space left on device"), result.err)
        XCTAssertTrue(result.err.contains(run.path + "/"), "the message names the file: \(result.err)")
        XCTAssertTrue(result.err.contains("disk is full"), result.err)
        let names = try FileManager.default.contentsOfDirectory(atPath: run.path)
        XCTAssertEqual(names.filter { $0.contains(".tmp-") }, [], "no temporary file is left")
        XCTAssertTrue(names.contains("base.h5") && names.contains("run.h5"), "\(names)")
        // What was written before the failure is whole.
        XCTAssertNoThrow(try CheckpointFile.read(run.appendingPathComponent("base.h5"), seed: 7))
        XCTAssertNoThrow(try StoreFile.open(run.appendingPathComponent("run.h5"), expecting: .run, versions: 1...1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fs.directory.path + "/full.lock"), "the lock is released")

        try FileManager.default.removeItem(at: fs.directory.appendingPathComponent("ballast"))
        try runToEnd(radit, ["run", "--resume", run.path], in: reference)
        XCTAssertNoThrow(try CheckpointFile.read(run.appendingPathComponent(CheckpointLayout.fileName(step: 4)), seed: 7))
    }

    /// Row "`radit run --overwrite` pointed at a corrupt model file": the model error, and
    /// the previous run byte-identical.
    func testOverwriteWithACorruptModelKeepsThePreviousRun() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("overwrite-corrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["run", config, "--runs-dir", "runs", "--name", "keep"]
        try runToEnd(radit, args + sets(), in: dir)
        let run = dir.appendingPathComponent("runs/keep")
        let before = try contents(run)
        let corrupt = dir.appendingPathComponent("broken.gguf")
        try Data(Array("GGUF".utf8) + [3, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 24)).write(to: corrupt)

        let result = try runRadit(radit, args + sets(["lm.model=\(corrupt.path)"]) + ["--overwrite"], in: dir)
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(result.err.contains(corrupt.path), result.err)
        XCTAssertEqual(try contents(run), before, "the previous run must be intact")
        // (.cache holds the shared corpus embeddings of the runs folder.)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.deletingLastPathComponent().path)
                        .filter { $0 != ".cache" }, ["keep"], "nothing left aside, no lock file")
    }

    /// Row "two `radit run` into the same run name at once": the second is refused naming
    /// the first's PID and changes nothing; the first finishes normally.
    func testASecondRunIntoTheSameNameIsRefused() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("two-writers")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["run", config, "--runs-dir", "runs", "--name", "same"] + sets(["train.steps=12", "train.checkpoint_every=1"])
        let (first, err, _) = try launch(radit, args, in: dir)
        XCTAssertTrue(waitForStep(2, of: err) {}, "the first run never reached step 2")
        let run = dir.appendingPathComponent("runs/same")
        let second = try runRadit(radit, args, in: dir)
        XCTAssertEqual(second.status, 1, second.err)
        XCTAssertTrue(second.err.contains("is being written by process \(first.processIdentifier)"), second.err)
        XCTAssertTrue(second.err.contains(run.path), second.err)
        _ = err.fileHandleForReading.readDataToEndOfFile()
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        // The folder holds one run: the first's, finished (run.h5 has its results).
        let f = try StoreFile.open(run.appendingPathComponent("run.h5"), expecting: .run, versions: 1...1)
        XCTAssertTrue(try f.exists("/results/em"))
        XCTAssertEqual(try f.read("/metrics/step", as: Double.self).count, 12)
    }

    /// Scope 1 through the CLI: a runs folder on a read-only file system, and one the user
    /// may not write (run as `nobody` when the tests run as root).
    func testUnwritableRunsFolder() throws {
        let radit = try builtRadit()
        let fs = try SmallFileSystem(megabytes: 1)
        defer { fs.unmount() }
        try fs.makeReadOnly()
        let dir = Fixtures.temporaryDirectory("unwritable")
        defer { try? FileManager.default.removeItem(at: dir) }
        let readOnly = try runRadit(radit, ["run", config, "--runs-dir", fs.directory.path] + sets(), in: dir)
        XCTAssertEqual(readOnly.status, 1, readOnly.err)
        XCTAssertTrue(readOnly.err.contains(fs.directory.path), readOnly.err)
        XCTAssertTrue(readOnly.err.contains("Read-only file system"), readOnly.err)
        // A runs folder that does not exist and cannot be made: the folder, why, and what to do.
        let missing = fs.directory.appendingPathComponent("runs")
        let cannot = try runRadit(radit, ["run", config, "--runs-dir", missing.path] + sets(), in: dir)
        XCTAssertEqual(cannot.status, 1, cannot.err)
        XCTAssertTrue(cannot.err.contains("cannot create \(missing.path): Read-only file system; give a writable folder with --runs-dir"), cannot.err)

        let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: setpriv.path) else { return }
        let runs = dir.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        let denied = try runRadit(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", radit.path,
                                            "run", config, "--runs-dir", runs.path] + sets(), in: dir)
        XCTAssertEqual(denied.status, 1, denied.err)
        XCTAssertTrue(denied.err.contains(runs.path), denied.err)
        XCTAssertTrue(denied.err.contains("Permission denied"), denied.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runs.path), [])
    }

    /// Row "an empty config file": an error saying what to start from; nothing is created.
    func testAnEmptyConfigIsAnError() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("empty-config")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("empty.toml")
        try Data("# nothing yet\n\n".utf8).write(to: config)
        let result = try runRadit(radit, ["run", config.path, "--runs-dir", "runs"], in: dir)
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(result.err.contains("\(config.path): the config is empty"), result.err)
        XCTAssertTrue(result.err.contains("experiments/tiny.toml"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path))
    }

    /// Row "`radit run … > log`": stdout is line-buffered, so the resolved config is in the
    /// log while the run is still training, and stays there after a kill -9.
    func testStdoutToAFileShowsTheConfigBeforeAnyWork() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("line-buffered")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (p, err, out) = try launch(radit, ["run", config, "--runs-dir", "runs"] + sets(["train.steps=50"]), in: dir)
        var logged = ""
        XCTAssertTrue(waitForStep(1, of: err) { logged = (try? String(contentsOf: out, encoding: .utf8)) ?? "" })
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertTrue(logged.contains("[train]") && logged.contains("steps = 50"), "log while training: \(logged)")
        XCTAssertTrue(try String(contentsOf: out, encoding: .utf8).contains("[train]"))
    }

    /// Row "an unknown-key error": the command it suggests exists (every suggested command:
    /// SuggestedCommandTests).
    func testAnUnknownKeySuggestsACommandThatExists() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("unknown-key")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.toml")
        try Data("[train]\nzzzzzz = 1\n".utf8).write(to: bad)
        let result = try runRadit(radit, ["run", bad.path], in: dir)
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(result.err.contains("unknown key `train.zzzzzz`"), result.err)
        XCTAssertTrue(result.err.contains("`radit config explain` lists every key"), result.err)
        let explain = try runRadit(radit, ["config", "explain"], in: dir)
        XCTAssertEqual(explain.status, 0, explain.err)
        XCTAssertTrue(explain.out.contains("keep_checkpoints"), "config explain lists every key")
    }

    /// Row "`generate rait --k 5000` on a 999-chunk corpus": an error naming the limit, no
    /// output.
    func testRAITWithKLargerThanTheCorpusIsAnError() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("rait-k")
        defer { try? FileManager.default.removeItem(at: dir) }
        try runToEnd(radit, ["generate", "synthkb", "--entities", "30", "--out", "kb"], in: dir)
        let result = try runRadit(radit, ["generate", "rait", "--data", "kb", "--k", "5000", "--out", "rait"], in: dir)
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(result.err.contains("k") && result.err.contains("5000") && result.err.contains("k is at most"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rait/rait.jsonl").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rait/rait.jsonl.partial").path))
    }

    /// Row "`lm generate --model models/all-MiniLM-L6-v2`": the real cause, the model family.
    func testGeneratingWithAnEncoderSaysItIsNotALlama() throws {
        let radit = try builtRadit()
        let miniLM = try Fixtures.model("all-MiniLM-L6-v2")
        let dir = Fixtures.temporaryDirectory("not-llama")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runRadit(radit, ["lm", "generate", "--model", miniLM.path, "--prompt", "Hello"], in: dir)
        XCTAssertEqual(result.status, 1, result.err)
        XCTAssertTrue(result.err.contains("is not a Llama-family model"), result.err)
        XCTAssertFalse(result.err.contains("rms_norm_eps"), result.err)
    }

    /// Row "`bench retrieval --retrievers dense` with no model found": an error before any
    /// work, no table file.
    func testDenseBenchWithoutAModelIsAnError() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("bench-no-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        try runToEnd(radit, ["generate", "synthkb", "--entities", "30", "--out", "kb"], in: dir)
        let result = try runRadit(radit, ["bench", "retrieval", "--data", "kb", "--retrievers", "dense"], in: dir)
        XCTAssertNotEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("--model all-MiniLM-L6-v2: no encoder there"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path), "no table written")
    }

    /// Row "empty corpus": `radit embed` of an empty corpus is an error naming it; no
    /// (0, D) embeddings file is written.
    func testEmbeddingAnEmptyCorpusIsAnError() throws {
        let radit = try builtRadit()
        let miniLM = try Fixtures.model("all-MiniLM-L6-v2")
        let dir = Fixtures.temporaryDirectory("empty-corpus")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("corpus.jsonl"))
        let result = try runRadit(radit, ["embed", "--corpus", "corpus.jsonl", "--model", miniLM.path, "--out", "emb.h5"], in: dir)
        XCTAssertNotEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("corpus.jsonl"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("emb.h5").path))
    }

    /// Row "a PDF with `--format folder`": the PDF is read (poppler), and a folder of documents
    /// has no questions, so `bench retrieval` says so instead of printing a table of dashes.
    func testBenchOnADocumentFolderSaysItHasNoQuestions() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("pdf-folder")
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.file("folder_corpus/observatory.pdf"),
                                         to: docs.appendingPathComponent("observatory.pdf"))
        let result = try runRadit(radit, ["bench", "retrieval", "--data", "docs", "--format", "folder", "--retrievers", "bm25"], in: dir)
        XCTAssertNotEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("question"), result.err)
        XCTAssertFalse(result.out.contains("| bm25 |"), result.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path), "no table written")
    }

    /// Row "a corpus with no questions": `generate raft` is an error, not 8 empty RAFT files.
    func testRaftFromACorpusWithoutQuestionsIsAnError() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("raft-no-questions")
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try "The lighthouse was lit in 1874.".write(to: docs.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try "The observatory opened in 1901.".write(to: docs.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        let result = try runRadit(radit, ["generate", "raft", "--data", "docs", "--p", "0.8", "--distractors", "1",
                                          "--source", "random", "--out", "raft"], in: dir)
        XCTAssertNotEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("question"), result.err)
        let written = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("raft").path)) ?? []
        XCTAssertTrue(written.isEmpty, "RAFT files written: \(written)")
    }

    /// Row "a `.jsonl.gz` dataset": read as the plain file would be.
    func testAGzippedBEIRCorpusIsRead() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("beir-gz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let beir = dir.appendingPathComponent("beir")
        try FileManager.default.createDirectory(at: beir.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        try """
        {"_id": "d1", "title": "Lighthouse", "text": "The lighthouse was lit in 1874."}
        {"_id": "d2", "title": "Observatory", "text": "The observatory opened in 1901."}

        """.write(to: beir.appendingPathComponent("corpus.jsonl"), atomically: true, encoding: .utf8)
        try """
        {"_id": "q1", "text": "When was the lighthouse lit?"}

        """.write(to: beir.appendingPathComponent("queries.jsonl"), atomically: true, encoding: .utf8)
        try "query-id\tcorpus-id\tscore\nq1\td1\t1\n".write(to: beir.appendingPathComponent("qrels/test.tsv"),
                                                                     atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [beir.appendingPathComponent("corpus.jsonl").path]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertEqual(gzip.terminationStatus, 0)
        let result = try runRadit(radit, ["bench", "retrieval", "--data", "beir", "--retrievers", "bm25", "--k", "1"], in: dir)
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.contains("2 chunks, 1 questions"), result.out)
        XCTAssertTrue(result.out.contains("| bm25 |"), result.out)
    }
}
