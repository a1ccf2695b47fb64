import Foundation
import RaditBase
import RaditStore
import RaditTensor

/// What an embedding file (and its partial file) must agree on before its rows are reused.
public struct EmbeddingIdentity: Codable, Equatable, Sendable {
    public var model: String
    /// SHA-256 of the encoder weights.
    public var modelSHA256: String
    /// The text path: tokenizer.json digest (or codec kind).
    public var tokenizer: String
    /// SHA-256 over the chunk ids and texts, in order (chunking changes it).
    public var corpusSHA256: String
    public var rows: Int
    public var dimension: Int
    public var maxLength: Int
    public var commitRows: Int

    /// Everything that fixes the embeddings' values (not how they were committed): the key
    /// of a cache entry.
    public var contentKey: String {
        SHA256.hex([modelSHA256, tokenizer, corpusSHA256, "\(rows)", "\(dimension)", "max_length=\(maxLength)"]
            .joined(separator: "\u{1e}"))
    }
}

/// Corpus → `/embeddings (Nd, D)` float32 + `/ids` in an HDF5 file (format
/// `radit.embeddings` v1), resumable.
///
/// Finished blocks of `commitRows` rows are appended to `<out>.partial` (a 512-byte header
/// naming the model and corpus digests, then raw little-endian float32 rows) and synced; a
/// rerun after a crash or SIGKILL drops any torn tail and continues. Block boundaries do
/// not depend on where a run stopped, so the result is the same as an uninterrupted run.
/// The HDF5 file is written at the end in one atomic step (temporary file, fsync, rename)
/// and the partial file removed.
public struct CorpusEmbedder {
    public let encoder: SentenceEncoder<Float>
    /// Sequences per forward pass.
    public var batchSize: Int
    /// Rows per resumable block (a crash loses at most one block).
    public var commitRows: Int

    public init(encoder: SentenceEncoder<Float>, batchSize: Int = 32, commitRows: Int = 1024) {
        precondition(batchSize > 0 && commitRows > 0, "CorpusEmbedder: batchSize and commitRows must be positive")
        self.encoder = encoder
        self.batchSize = batchSize
        self.commitRows = commitRows
    }

    /// SHA-256 over chunk ids and texts, in order.
    public static func corpusDigest(ids: [String], texts: [String]) -> String {
        precondition(ids.count == texts.count, "corpusDigest: \(ids.count) ids for \(texts.count) texts")
        var h = SHA256()
        for (id, text) in zip(ids, texts) {
            h.update(id); h.update([0])
            h.update(text); h.update([0])
        }
        return SHA256.hexString(h.finalize())
    }

    public func identity(ids: [String], texts: [String]) -> EmbeddingIdentity {
        EmbeddingIdentity(model: encoder.name, modelSHA256: encoder.encoder.weightsDigest(), tokenizer: encoder.codecIdentity,
                          corpusSHA256: Self.corpusDigest(ids: ids, texts: texts), rows: texts.count,
                          dimension: encoder.dimension, maxLength: encoder.maxLength, commitRows: commitRows)
    }

    /// How `write` ended.
    public enum Outcome: Sendable, Equatable {
        /// The file was (re)written; `resumedRows` came from a partial file.
        case written(resumedRows: Int)
        /// The file already held exactly these embeddings and was left alone.
        case alreadyComplete
        /// The progress handler said stop; the partial file keeps the committed rows.
        case stopped(rows: Int)
    }

    /// Embeds `texts` (ids name them in `/ids`) into `url`. An existing complete file must
    /// hold these very embeddings (else `EmbeddingError.differentEmbedding`) unless
    /// `overwrite`; a partial file from the same identity is resumed.
    @discardableResult
    public func write(ids: [String], texts: [String], to url: URL, overwrite: Bool = false,
                      progress: ProgressHandler = silentProgress) throws -> Outcome {
        let identity = identity(ids: ids, texts: texts)
        let partialURL = URL(fileURLWithPath: url.path + ".partial")
        if overwrite {
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.removeItem(at: partialURL)
        } else if FileManager.default.fileExists(atPath: url.path) {
            try EmbeddingFile.check(url, identity)
            return .alreadyComplete
        }
        let partial = try PartialEmbeddings(url: partialURL, identity: identity)
        let resumed = partial.rowsDone
        var row = partial.rowsDone
        if progress(ProgressEvent(stage: "embed", done: row, total: texts.count, unit: "passages")) == .stop {
            return .stopped(rows: row)
        }
        while row < texts.count {
            let end = min(texts.count, row + commitRows)
            try partial.append(try encoder.encode(Array(texts[row..<end]), batchSize: batchSize))
            row = end
            if progress(ProgressEvent(stage: "embed", done: row, total: texts.count, unit: "passages")) == .stop,
               row < texts.count {
                return .stopped(rows: row)
            }
        }
        try EmbeddingFile.write(url, identity: identity, ids: ids, partial: partial)
        try FileManager.default.removeItem(at: partialURL)
        return .written(resumedRows: resumed)
    }
}

/// The finished HDF5 file: `/embeddings (Nd, D)` float32, `/ids (Nd)`; root attributes
/// name the model, its weights, tokenizer and corpus digests.
public enum EmbeddingFile {
    /// An existing file must be this very embedding.
    public static func check(_ url: URL, _ identity: EmbeddingIdentity) throws {
        let file = try StoreFile.open(url, expecting: .embeddings, versions: 1...1)
        defer { try? file.close() }
        for (key, expected) in [("model_sha256", identity.modelSHA256), ("corpus_sha256", identity.corpusSHA256)] {
            guard case .string(let found)? = try file.attribute(key), found == expected else {
                throw EmbeddingError.differentEmbedding(path: url.path, attribute: key)
            }
        }
    }

    /// The embeddings (Nd, D) of a file that must match `identity`.
    public static func read(_ url: URL, identity: EmbeddingIdentity) throws -> Tensor<Float> {
        try check(url, identity)
        let file = try StoreFile.open(url, expecting: .embeddings, versions: 1...1)
        defer { try? file.close() }
        let shape = try file.shape(of: "embeddings")
        guard shape == [identity.rows, identity.dimension] else {
            throw EmbeddingError.shape(path: url.path, expected: [identity.rows, identity.dimension], found: shape)
        }
        return Tensor(shape: shape, scalars: try file.read("embeddings", as: Float.self))
    }

    static func write(_ url: URL, identity: EmbeddingIdentity, ids: [String], partial: PartialEmbeddings) throws {
        let n = identity.rows, d = identity.dimension
        try StoreFile.writeAtomically(to: url, format: .embeddings, version: 1) { file in
            try file.setAttribute("model", .string(identity.model))
            try file.setAttribute("model_sha256", .string(identity.modelSHA256))
            try file.setAttribute("tokenizer", .string(identity.tokenizer))
            try file.setAttribute("corpus_sha256", .string(identity.corpusSHA256))
            try file.setAttribute("max_length", .int(identity.maxLength))
            try file.setAttribute("pooling", .string("mean"))
            try file.setAttribute("normalized", .int(1))
            let embeddings = try file.createDataset("embeddings", dtype: .float32, shape: [n, d],
                                                    options: DatasetOptions(chunkShape: [max(1, min(n, 1024)), d]))
            var row = 0
            while row < n {
                let count = min(n - row, 4096)
                try embeddings.writeRows(try partial.read(rows: row..<(row + count)), at: row)
                row += count
            }
            try file.createDataset("ids", strings: ids)
        }
    }
}

/// `<out>.partial`: a 512-byte header (magic line + identity JSON, space padded) and
/// float32 rows appended one committed block at a time, each synced to disk.
final class PartialEmbeddings {
    static let magic = "radit-embeddings-partial 1\n"
    static let headerBytes = 512
    let url: URL
    let identity: EmbeddingIdentity
    private(set) var rowsDone: Int
    private let handle: FileHandle

    init(url: URL, identity: EmbeddingIdentity) throws {
        self.url = url
        self.identity = identity
        let rowBytes = identity.dimension * MemoryLayout<Float>.size
        if FileManager.default.fileExists(atPath: url.path) {
            let handle = try FileHandle(forUpdating: url)
            let header = try handle.read(upToCount: Self.headerBytes) ?? Data()
            guard header.count == Self.headerBytes, let text = String(data: header, encoding: .utf8),
                  text.hasPrefix(Self.magic),
                  let found = try? JSONDecoder().decode(EmbeddingIdentity.self,
                                                        from: Data(text.dropFirst(Self.magic.count).trimmingCharacters(in: .whitespaces).utf8))
            else {
                throw EmbeddingError.notAPartialFile(path: url.path)
            }
            guard found == identity else {
                throw EmbeddingError.partialFromElsewhere(path: url.path, found: "\(found)")
            }
            // Keep whole committed blocks only: a kill can tear the last write.
            let size = Int(try handle.seekToEnd())
            let complete = max(0, size - Self.headerBytes) / rowBytes
            let rows = complete >= identity.rows ? identity.rows : complete - complete % identity.commitRows
            try handle.truncate(atOffset: UInt64(Self.headerBytes + rows * rowBytes))
            try handle.synchronize()
            rowsDone = rows
            self.handle = handle
        } else {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw EmbeddingError.cannotCreate(path: url.path)
            }
            let handle = try FileHandle(forUpdating: url)
            let json = String(decoding: try JSONEncoder().encode(identity), as: UTF8.self)
            var header = Self.magic + json
            guard header.utf8.count < Self.headerBytes else {
                throw EmbeddingError.headerTooLong(model: identity.model)
            }
            header += String(repeating: " ", count: Self.headerBytes - header.utf8.count)
            try handle.write(contentsOf: Data(header.utf8))
            try handle.synchronize()
            rowsDone = 0
            self.handle = handle
        }
    }

    deinit { try? handle.close() }

    /// Appends finished rows (count · D floats) and syncs them.
    func append(_ rows: [Float]) throws {
        precondition(rows.count % identity.dimension == 0, "append: \(rows.count) floats is not whole rows of \(identity.dimension)")
        try handle.seekToEnd()
        try rows.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        try handle.synchronize()
        rowsDone += rows.count / identity.dimension
    }

    func read(rows: Range<Int>) throws -> [Float] {
        let rowBytes = identity.dimension * MemoryLayout<Float>.size
        try handle.seek(toOffset: UInt64(Self.headerBytes + rows.lowerBound * rowBytes))
        let data = try handle.read(upToCount: rows.count * rowBytes) ?? Data()
        guard data.count == rows.count * rowBytes else {
            throw EmbeddingError.shortFile(path: url.path, rows: rows.count, from: rows.lowerBound)
        }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
