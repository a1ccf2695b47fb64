import Foundation
import RaditData
import RaditIndex
import RaditRetrieval
import RaditTensor
import RaditTestSupport
import XCTest

/// One `Retriever` shape over BM25, exact dense and HNSW dense search.
final class RetrieverTests: XCTestCase {
    /// Hashed bag of words, L2-normalised: texts sharing words score higher.
    struct WordHashEmbedder: TextEmbedder {
        let dimension = 32
        func embed(_ texts: [String]) throws -> Tensor<Float> {
            var t = Tensor<Float>(shape: [texts.count, dimension])
            for (i, text) in texts.enumerated() {
                for word in text.lowercased().split(separator: " ") {
                    var h: UInt64 = 1469598103934665603
                    for b in word.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
                    t.scalars[i * dimension + Int(h % UInt64(dimension))] += 1
                }
                let n = (0..<dimension).reduce(Float(0)) { $0 + t.scalars[i * dimension + $1] * t.scalars[i * dimension + $1] }
                for j in 0..<dimension where n > 0 { t.scalars[i * dimension + j] /= n.squareRoot() }
            }
            return t
        }
    }

    func corpus() throws -> Corpus {
        let words = ["river", "museum", "protein", "galaxy", "algorithm", "election", "harvest", "melody", "voltage", "theorem"]
        return try Corpus((0..<40).map { i in
            Chunk(id: "d\(i)", title: "", text: (0..<4).map { words[($0 * 3 + i * 7) % words.count] + "\(($0 + i) % 5)" }.joined(separator: " "))
        })
    }

    func testBM25RetrieverIsTheIndexSearch() throws {
        let c = try corpus()
        let r = BM25Retriever(corpus: c)
        let queries = ["river0 museum1", "galaxy3"]
        XCTAssertEqual(try r.search(queries, k: 5), BM25Index(documents: c.indexedTexts).search(queries, k: 5))
        XCTAssertEqual(r.count, c.count)
    }

    func testDenseFlatAndHNSWAgreeOnASmallCorpus() throws {
        let c = try corpus()
        let embedder = WordHashEmbedder()
        let flat = try DenseRetriever(corpus: c, documents: embedder)
        let hnsw = try DenseRetriever(documents: embedder, passages: c.indexedTexts,
                                      index: HNSWIndex(dimension: embedder.dimension, m: 8, efConstruction: 64, efSearch: 64))
        let queries = c.chunks.prefix(10).map(\.text)
        let a = try flat.search(queries, k: 3), b = try hnsw.search(queries, k: 3)
        for q in 0..<queries.count {
            XCTAssertEqual(a.row(q).first, q, "a chunk's own text ranks it first")
            XCTAssertEqual(b.row(q).first, a.row(q).first, "query \(q)")
        }
        XCTAssertEqual(try flat.rankings(queries, k: 3, batchSize: 4), (0..<queries.count).map(a.row))
    }

    func testQueryEncoderOfAnotherWidthIsRefused() throws {
        struct Narrow: TextEmbedder {
            let dimension = 8
            func embed(_ texts: [String]) throws -> Tensor<Float> { Tensor(shape: [texts.count, 8]) }
        }
        let c = try corpus()
        XCTAssertThrowsError(try DenseRetriever(corpus: c, documents: WordHashEmbedder(), queries: Narrow()))
    }
}
