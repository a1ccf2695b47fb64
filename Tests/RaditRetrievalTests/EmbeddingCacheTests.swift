import Foundation
import RaditBase
import RaditExperiments
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditTestSupport
import RaditText
import XCTest

/// `radit run` reuses document embeddings: a second build over the same corpus with the
/// same encoder reads them from the cache (the hit counter proves it) and gets the same
/// index vectors; another corpus or another encoder misses.
final class EmbeddingCacheTests: XCTestCase {
    func tinyEncoder(seed: UInt64) -> SentenceEncoder<Float> {
        let c = BertConfig(vocabSize: ByteCodec().vocabularySize, hiddenSize: 16, numHiddenLayers: 1,
                           numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 64)
        return SentenceEncoder(name: "tiny", encoder: BertEncoder<Float>.random(config: c, seed: seed), codec: ByteCodec(),
                               maxLength: 32)
    }

    func testHitMissAndEqualVectors() throws {
        let dir = Fixtures.temporaryDirectory("radit-cache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = EmbeddingCache(directory: dir)
        let texts = ["alpha beta", "gamma", "delta epsilon zeta", "eta"], ids = ["a", "b", "c", "d"]
        let encoder = tinyEncoder(seed: 1)
        let first = try cache.embeddings(ids: ids, texts: texts, encoder: encoder)
        XCTAssertEqual([cache.hits, cache.misses], [0, 1])
        XCTAssertEqual(first.scalars, try encoder.encode(texts))
        var events: [String] = []
        let second = try cache.embeddings(ids: ids, texts: texts, encoder: encoder, progress: { events.append($0.stage); return .proceed })
        XCTAssertEqual([cache.hits, cache.misses], [1, 1])
        XCTAssertEqual(events, ["embed-cache"])
        XCTAssertTrue(second.scalars == first.scalars)
        _ = try cache.embeddings(ids: ids, texts: texts.map { $0 + "!" }, encoder: encoder)
        _ = try cache.embeddings(ids: ids, texts: texts, encoder: tinyEncoder(seed: 2))
        XCTAssertEqual([cache.hits, cache.misses], [1, 3])
    }

    func testRunBuildReusesDocumentEmbeddings() throws {
        let dir = Fixtures.temporaryDirectory("radit-run-cache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try ExperimentConfig.parse("""
            [data]
            entities = 12
            [retriever]
            model = "tiny"
            [lm]
            model = "tiny"
            [train]
            candidates = 2
            lm_top_k = 1
            """, file: "cache.toml")
        let backend = NativeBackend(runsDirectory: dir)
        let root = URL(fileURLWithPath: "/")
        let first = try backend.build(try config.settings(), root: root, progress: silentProgress)
        XCTAssertEqual([backend.embeddingCache?.hits, backend.embeddingCache?.misses], [0, 1])
        let second = try backend.build(try config.settings(), root: root, progress: silentProgress)
        XCTAssertEqual([backend.embeddingCache?.hits, backend.embeddingCache?.misses], [1, 1])
        XCTAssertEqual(first.index.count, second.index.count)
        for id in 0..<first.index.count {
            XCTAssertEqual(try first.index.reconstruct(id), try second.index.reconstruct(id), "chunk \(id)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(".cache/embeddings").path)
        XCTAssertEqual(files.filter { $0.hasSuffix(".h5") }.count, 1)
    }
}
