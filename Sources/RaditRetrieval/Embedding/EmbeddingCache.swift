import Foundation
import RaditBase
import RaditTensor

/// Document embeddings kept between runs: `<directory>/<key>.h5`, one `radit.embeddings`
/// file per (encoder weights, tokenizer, max length, corpus ids and texts), so a run over
/// the same corpus with the same document encoder reads its index vectors instead of
/// re-embedding. Chunking settings are covered by the corpus digest (they change the
/// chunk texts). `radit run` keeps it in `<runs folder>/.cache/embeddings/`.
public final class EmbeddingCache {
    public let directory: URL
    /// Lookups answered from a file, and lookups that had to embed.
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(directory: URL) { self.directory = directory }

    /// The file an identity is cached in.
    public func file(for identity: EmbeddingIdentity) -> URL {
        directory.appendingPathComponent("\(identity.contentKey).h5")
    }

    /// (Nd, D) embeddings of `texts` by `encoder`: from the cache when present, else
    /// embedded (resumably) and stored. Reports `embed-cache` with the rows read on a hit.
    public func embeddings(ids: [String], texts: [String], encoder: SentenceEncoder<Float>, batchSize: Int = 32,
                           progress: ProgressHandler = silentProgress) throws -> Tensor<Float> {
        // Entries are keyed by content (`contentKey`), so the block size does not matter.
        let embedder = CorpusEmbedder(encoder: encoder, batchSize: batchSize)
        let identity = embedder.identity(ids: ids, texts: texts)
        let url = file(for: identity)
        if FileManager.default.fileExists(atPath: url.path) {
            let e = try EmbeddingFile.read(url, identity: identity)
            hits += 1
            _ = progress(ProgressEvent(stage: "embed-cache", done: texts.count, total: texts.count, unit: "passages"))
            return e
        }
        misses += 1
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The index must be whole: progress is reported, a stop request is left to the caller's
        // next safe point (the training loop).
        try embedder.write(ids: ids, texts: texts, to: url, progress: { e in
            _ = progress(e)
            return .proceed
        })
        return try EmbeddingFile.read(url, identity: identity)
    }
}
