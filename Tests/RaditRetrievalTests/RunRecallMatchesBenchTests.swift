import Foundation
import RaditData
import RaditEval
import RaditExperiments
import RaditRetrieval
import RaditStore
import RaditTestSupport
import XCTest

/// Issue 11 acceptance: `radit run` (tiny LM, real MiniLM, a few steps) on the HotpotQA
/// sample and on a SynthKB folder stores a base-retriever recall@k in run.h5 that equals,
/// exactly, what `radit bench retrieval --retrievers dense` computes on the same questions
/// (the dataset read on its own, the library path the command runs).
final class RunRecallMatchesBenchTests: XCTestCase {
    let ks = [1, 5, 10]

    /// Runs `radit run`'s library path and returns run.h5's base-retriever recall by k and
    /// the ids of the questions the results are on.
    func run(_ sets: [String], minilm: URL) throws -> (recall: [Int: Double], questions: [String]) {
        let dir = Fixtures.temporaryDirectory("recall-run").appendingPathComponent("run")
        var c = ExperimentConfig()
        let all = sets + ["lm.model=tiny", "retriever.model=\"\(minilm.path)\"", "retriever.trainable_layers=1",
                          "train.steps=1", "train.batch_size=2", "train.candidates=2", "train.lm_top_k=1",
                          "train.checkpoint_every=0", "data.train_limit=4", "data.dev_limit=2", "data.test_limit=30",
                          "eval.top_k=1", "eval.max_tokens=1", "eval.recall_at=[1, 5, 10]", "eval.table=true"]
        try c.apply(overrides: all)
        let run = try ExperimentRun(create: dir, config: c, overrides: all, root: dir)
        _ = try XCTUnwrap(try run.execute(backend: NativeBackend(), root: dir))
        let file = try StoreFile.open(dir.appendingPathComponent("run.h5"), expecting: .run, versions: RunFile.version...RunFile.version)
        defer { try? file.close() }
        let results = try file.group("/results")
        XCTAssertEqual(try results.attribute("split"), .string("test"))
        let at = try file.read("/results/recall_at", as: Int64.self)
        let recall = try file.read("/results/recall", as: Double.self)
        XCTAssertEqual(at.map(Int.init), ks)
        // Row 0 is the base retriever.
        let base = Dictionary(uniqueKeysWithValues: zip(ks, recall.prefix(ks.count)))
        return (base, try file.readStrings("/data/split/test"))
    }

    /// `radit bench retrieval --retrievers dense` on `dataset`'s questions `ids`.
    func bench(_ dataset: Dataset, ids: [String], minilm: URL) throws -> [Int: Double] {
        var d = dataset
        d.queries = try QuerySet(ids.map { try XCTUnwrap(dataset.queries[id: $0], $0) })
        let bench = RetrievalBenchmark(ks: ks)
        let encoder = try SentenceEncoder<Float>.load(directory: minilm)
        let dense = try DenseRetriever(corpus: d.corpus, documents: encoder)
        let rankings = try dense.rankings(d.queries.examples.map(\.question), k: bench.depth)
        let metrics = ks.map { RetrievalMetric.goldRecallAny($0) }
        let row = bench.evaluate(d, rankings: rankings, retriever: "dense", metrics: metrics)
        XCTAssertEqual(row.goldQueries, ids.count)
        return Dictionary(uniqueKeysWithValues: zip(ks, row.values))
    }

    func testHotpotQASampleRecallEqualsBenchRetrieval() throws {
        let minilm = try Fixtures.model("all-MiniLM-L6-v2")
        let path = Fixtures.sharedData("hotpotqa_dev_distractor_sample100").path
        let (recall, ids) = try run(["data.source=hotpotqa", "data.path=\"\(path)\"", "data.test_fraction=0.3"], minilm: minilm)
        XCTAssertEqual(ids.count, 30)
        let expected = try bench(try DatasetReader.read(path), ids: ids, minilm: minilm)
        XCTAssertEqual(recall, expected)
        XCTAssertGreaterThan(recall[10] ?? 0, 0.5, "MiniLM finds HotpotQA's gold paragraphs among its 10 candidates")
    }

    func testSynthKBFolderRecallEqualsBenchRetrieval() throws {
        let minilm = try Fixtures.model("all-MiniLM-L6-v2")
        let folder = Fixtures.temporaryDirectory("synthkb-recall")
        try SynthKB.generate(SynthKBConfig(entities: 40, seed: 5)).write(to: folder)
        let (recall, ids) = try run(["data.source=synthkb", "data.path=\"\(folder.path)\""], minilm: minilm)
        XCTAssertFalse(ids.isEmpty)
        let expected = try bench(try DatasetReader.read(folder.path, options: ReadOptions(split: "test")), ids: ids, minilm: minilm)
        XCTAssertEqual(recall, expected)
        XCTAssertGreaterThan(recall[1] ?? 0, 0.5, "single-hop SynthKB questions name their entity")
    }
}
