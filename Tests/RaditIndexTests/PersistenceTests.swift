import Foundation
import RaditIndex
import RaditTensor
import RaditTestSupport
import XCTest

final class PersistenceTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = Fixtures.temporaryDirectory("index-h5") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testFlatRoundTrip() throws {
        var rng = RandomSource(seed: 2)
        var index = FlatIndex(dimension: 6, metric: .l2)
        try index.add(rng.normalTensor([20, 6]))
        let url = dir.appendingPathComponent("flat.h5")
        try index.save(to: url)
        let back = try FlatIndex.load(from: url)
        XCTAssertEqual(back.vectors, index.vectors)
        XCTAssertEqual(back.metric, .l2)
        let q: Tensor<Float> = rng.normalTensor([3, 6])
        XCTAssertEqual(try back.search(q, k: 4), try index.search(q, k: 4))
        XCTAssertThrowsError(try HNSWIndex.load(from: url), "a flat file is not an HNSW file")
    }

    func testHNSWRoundTripKeepsGraphAndContinuesDeterministically() throws {
        var rng = RandomSource(seed: 3)
        let x: Tensor<Float> = rng.normalTensor([200, 8])
        let more: Tensor<Float> = rng.normalTensor([50, 8])
        // Build settings that are not the defaults must come back, or later adds would differ.
        var index = HNSWIndex(dimension: 8, m: 6, efConstruction: 30, efSearch: 20, seed: 5,
                              keepPrunedConnections: true, pruneHeadroom: 0.1)
        try index.add(x)
        let url = dir.appendingPathComponent("hnsw.h5")
        try index.save(to: url)
        var back = try HNSWIndex.load(from: url)
        XCTAssertEqual(back.keepPrunedConnections, true)
        XCTAssertEqual(back.pruneHeadroom, 0.1)
        XCTAssertEqual(back.layer0, index.layer0)
        XCTAssertEqual(back.upper, index.upper)
        let q: Tensor<Float> = rng.normalTensor([4, 8])
        XCTAssertEqual(try back.search(q, k: 5), try index.search(q, k: 5))
        // Adding after a reload gives the same graph as adding without one.
        try index.add(more)
        try back.add(more)
        XCTAssertEqual(back.layer0, index.layer0)
        XCTAssertEqual(back.upper, index.upper)
        XCTAssertEqual(back.levels, index.levels)
    }

    func testBM25RoundTrip() throws {
        let docs = ["the cat sat", "Cat cat", "a dog and cat", "Straße 東京"]
        let index = BM25Index(documents: docs, parameters: BM25Parameters(k1: 1.2, b: 0.75, variant: .bm25Plus(delta: 0.5)),
                              tokenizer: WordTokenizer(stopWords: ["a", "and"]))
        let url = dir.appendingPathComponent("bm25.h5")
        try index.save(to: url)
        let back = try BM25Index.load(from: url)
        XCTAssertEqual(back.parameters, index.parameters)
        XCTAssertEqual(back.tokenizer, index.tokenizer)
        XCTAssertEqual(back.terms, index.terms)
        for q in ["cat", "dog cat", "straße", "zzz"] { XCTAssertEqual(back.scores(q), index.scores(q)) }
        XCTAssertEqual(back.search(["cat dog"], k: 3), index.search(["cat dog"], k: 3))
    }
}
