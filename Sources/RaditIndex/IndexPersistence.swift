import Foundation
import RaditStore
import RaditTensor

/// HDF5 layouts of the indexes (format `radit.vector-index` / `radit.bm25-index`,
/// version 1). Root attributes carry the settings; datasets carry the arrays with their
/// shapes, so h5py reads them directly. Files are written atomically.
public enum IndexFileLayout {
    public static let version = 1
    /// Root attribute naming the vector index type: "flat" or "hnsw".
    public static let kindAttribute = "kind"
    /// (N, D) float32 stored vectors.
    public static let vectors = "/vectors"
    public static let hnswLevels = "/hnsw/levels"      // (N) int32
    public static let hnswLayer0 = "/hnsw/layer0"      // (N, 2M) int32, −1 padded
    public static let hnswUpper = "/hnsw/upper"        // (Σ levels·M) int32, −1 padded
    public static let hnswRNG = "/hnsw/rng_state"      // (4) int64, PCG64 words bit-cast
    public static let bm25Terms = "/terms"             // (V) strings, by term id
    public static let bm25Starts = "/postings/starts"  // (V + 1) int64
    public static let bm25Docs = "/postings/docs"      // (P) int32
    public static let bm25Scores = "/postings/scores"  // (P) float32
    public static let bm25Lengths = "/document_lengths" // (N) int32
    public static let bm25StopWords = "/stop_words"    // (S) strings, sorted
}

extension VectorMetric {
    init(stored: String, file: String) throws {
        guard let m = VectorMetric(rawValue: stored) else {
            throw IndexError.storedValue(file: file, key: "metric", expected: "innerProduct or l2", found: stored)
        }
        self = m
    }
}

func writeVectors(_ file: StoreFile, _ vectors: [Float], dimension: Int) throws {
    try file.createDataset(IndexFileLayout.vectors, values: vectors, shape: [vectors.count / dimension, dimension])
}

extension FlatIndex {
    public func save(to url: URL) throws {
        try StoreFile.writeAtomically(to: url, format: .vectorIndex, version: IndexFileLayout.version) { f in
            try f.setAttribute(IndexFileLayout.kindAttribute, .string("flat"))
            try f.setAttribute("metric", .string(metric.rawValue))
            try f.setAttribute("dimension", .int(dimension))
            try writeVectors(f, vectors, dimension: dimension)
        }
    }

    public static func load(from url: URL) throws -> FlatIndex {
        let f = try StoreFile.open(url, expecting: .vectorIndex, versions: 1...IndexFileLayout.version)
        defer { try? f.close() }
        let kind = try f.stringAttribute(IndexFileLayout.kindAttribute)
        guard kind == "flat" else {
            throw IndexError.storedValue(file: url.path, key: "kind", expected: "flat", found: kind)
        }
        let d = try f.intAttribute("dimension")
        let n = try f.shape(of: IndexFileLayout.vectors).first ?? 0
        let metric = try VectorMetric(stored: try f.stringAttribute("metric"), file: url.path)
        return try FlatIndex(dimension: d, metric: metric, vectors: try f.read(IndexFileLayout.vectors, as: Float.self, shape: [n, d]))
    }
}

extension HNSWIndex {
    public func save(to url: URL) throws {
        try StoreFile.writeAtomically(to: url, format: .vectorIndex, version: IndexFileLayout.version) { f in
            try f.setAttribute(IndexFileLayout.kindAttribute, .string("hnsw"))
            try f.setAttribute("metric", .string(metric.rawValue))
            try f.setAttribute("dimension", .int(dimension))
            try f.setAttribute("m", .int(m))
            try f.setAttribute("ef_construction", .int(efConstruction))
            try f.setAttribute("ef_search", .int(efSearch))
            try f.setAttribute("seed", .string(String(seed)))
            try f.setAttribute("keep_pruned_connections", .int(keepPrunedConnections ? 1 : 0))
            try f.setAttribute("prune_headroom", .double(Double(pruneHeadroom)))
            try f.setAttribute("entry_point", .int(entryPoint))
            try f.setAttribute("max_level", .int(maxLevel))
            try writeVectors(f, vectors, dimension: dimension)
            try f.createDataset(IndexFileLayout.hnswLevels, values: levels)
            try f.createDataset(IndexFileLayout.hnswLayer0, values: layer0, shape: [count, 2 * m])
            try f.createDataset(IndexFileLayout.hnswUpper, values: upper)
            try f.createDataset(IndexFileLayout.hnswRNG, values: rng.state.map { Int64(bitPattern: $0) })
        }
    }

    public static func load(from url: URL) throws -> HNSWIndex {
        let f = try StoreFile.open(url, expecting: .vectorIndex, versions: 1...IndexFileLayout.version)
        defer { try? f.close() }
        let kind = try f.stringAttribute(IndexFileLayout.kindAttribute)
        guard kind == "hnsw" else {
            throw IndexError.storedValue(file: url.path, key: "kind", expected: "hnsw", found: kind)
        }
        let d = try f.intAttribute("dimension"), m = try f.intAttribute("m")
        let levels: [Int32] = try f.read(IndexFileLayout.hnswLevels)
        let n = levels.count
        let upper: [Int32] = try f.read(IndexFileLayout.hnswUpper)
        let expected = levels.reduce(0) { $0 + Int($1) } * m
        guard upper.count == expected else {
            throw StoreError.wrongShape(file: url.path, path: IndexFileLayout.hnswUpper, expected: [expected], found: [upper.count])
        }
        let seedText = try f.stringAttribute("seed")
        // Files written before these settings were stored load with today's defaults.
        let keepPruned = try f.hasAttribute("keep_pruned_connections") ? try f.intAttribute("keep_pruned_connections") != 0 : false
        let headroom = try f.hasAttribute("prune_headroom") ? Float(try f.doubleAttribute("prune_headroom")) : 0.2
        guard headroom >= 0 && headroom < 1 else {
            throw IndexError.storedValue(file: url.path, key: "prune_headroom", expected: "a share in [0, 1)", found: String(headroom))
        }
        let state: [Int64] = try f.read(IndexFileLayout.hnswRNG, shape: [4])
        return try HNSWIndex(
            dimension: d, metric: try VectorMetric(stored: try f.stringAttribute("metric"), file: url.path), m: m,
            efConstruction: try f.intAttribute("ef_construction"), efSearch: try f.intAttribute("ef_search"),
            keepPrunedConnections: keepPruned, pruneHeadroom: headroom, seed: UInt64(seedText) ?? 0, rng: RandomSource(state: state.map { UInt64(bitPattern: $0) }, spareNormal: nil),
            vectors: try f.read(IndexFileLayout.vectors, as: Float.self, shape: [n, d]), levels: levels,
            layer0: try f.read(IndexFileLayout.hnswLayer0, shape: [n, 2 * m]), upper: upper,
            entryPoint: try f.intAttribute("entry_point"), maxLevel: try f.intAttribute("max_level"))
    }
}

extension BM25Index {
    public func save(to url: URL) throws {
        try StoreFile.writeAtomically(to: url, format: .bm25Index, version: IndexFileLayout.version) { f in
            try f.setAttribute("variant", .string(parameters.variant.name))
            try f.setAttribute("k1", .double(Double(parameters.k1)))
            try f.setAttribute("b", .double(Double(parameters.b)))
            if case let .bm25Plus(delta) = parameters.variant { try f.setAttribute("delta", .double(Double(delta))) }
            try f.setAttribute("lowercase", .int(tokenizer.lowercase ? 1 : 0))
            try f.setAttribute("token_pattern", .string("\\w+"))
            try f.createDataset(IndexFileLayout.bm25StopWords, strings: tokenizer.stopWords.sorted())
            try f.createDataset(IndexFileLayout.bm25Terms, strings: terms)
            try f.createDataset(IndexFileLayout.bm25Starts, values: postingStarts.map(Int64.init))
            try f.createDataset(IndexFileLayout.bm25Docs, values: postingDocs)
            try f.createDataset(IndexFileLayout.bm25Scores, values: postingScores)
            try f.createDataset(IndexFileLayout.bm25Lengths, values: documentLengths)
        }
    }

    public static func load(from url: URL) throws -> BM25Index {
        let f = try StoreFile.open(url, expecting: .bm25Index, versions: 1...IndexFileLayout.version)
        defer { try? f.close() }
        let variantName = try f.stringAttribute("variant")
        let variant: BM25Variant
        switch variantName {
        case "lucene": variant = .lucene
        case "robertson": variant = .robertson
        case "bm25+": variant = .bm25Plus(delta: Float(try f.doubleAttribute("delta")))
        default:
            throw IndexError.storedValue(file: url.path, key: "variant", expected: "lucene, robertson or bm25+", found: variantName)
        }
        let parameters = BM25Parameters(k1: Float(try f.doubleAttribute("k1")), b: Float(try f.doubleAttribute("b")), variant: variant)
        let tokenizer = WordTokenizer(lowercase: try f.intAttribute("lowercase") != 0,
                                      stopWords: Set(try f.readStrings(IndexFileLayout.bm25StopWords)))
        let terms = try f.readStrings(IndexFileLayout.bm25Terms)
        let starts: [Int64] = try f.read(IndexFileLayout.bm25Starts, shape: [terms.count + 1])
        let docs: [Int32] = try f.read(IndexFileLayout.bm25Docs)
        return try BM25Index(parameters: parameters, tokenizer: tokenizer, terms: terms, postingStarts: starts.map(Int.init),
                             postingDocs: docs, postingScores: try f.read(IndexFileLayout.bm25Scores, shape: [docs.count]),
                             documentLengths: try f.read(IndexFileLayout.bm25Lengths))
    }
}
