import ArgumentParser
import Foundation
import RaditBase
import RaditData
import RaditModels
import RaditStore
import RaditTensor

/// `radit embed`: corpus → `/embeddings (Nd, D)` float32 + `/ids` in an HDF5 file.
///
/// Resumable: finished blocks of `--commit-rows` rows are appended to `<out>.partial`
/// (a 512-byte header naming the model and corpus digests, then raw little-endian
/// float32 rows) and synced; a rerun after a crash or SIGKILL drops any torn tail and
/// continues. Block boundaries do not depend on where the run stopped, so the result is
/// the same as an uninterrupted run. The HDF5 file is written at the end in one atomic
/// step (temporary file, fsync, rename) and the partial file removed.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed a corpus with a BERT-family encoder into an HDF5 file (resumable).")

    @Option(help: "Corpus: a JSONL file of {\"_id\", \"text\", \"title\"?} records, or any dataset radit reads (BEIR folder, SQuAD, HotpotQA, NQ-open, text folder).")
    var corpus: String
    @Option(help: "Dataset format when --corpus is not JSONL: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var format: String?
    @Option(help: "Model folder with config.json, model.safetensors and tokenizer.json.")
    var model: String = "models/all-MiniLM-L6-v2"
    @Option(help: "Output HDF5 file.")
    var out: String
    @Option(help: "Sequences per forward pass.")
    var batchSize: Int = 32
    @Option(help: "Truncate texts to this many tokens (sentence-transformers max_seq_length).")
    var maxLength: Int = 256
    @Option(help: "Rows per resumable block (a crash loses at most one block).")
    var commitRows: Int = 1024
    @Option(help: "BLAS threads (default: OpenBLAS's own choice).")
    var threads: Int?
    @Flag(help: "Replace an existing output (and its partial file) instead of resuming.")
    var overwrite = false
    @Flag(help: "Skip malformed corpus records instead of failing.")
    var lenient = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard commitRows > 0 else { throw ValidationError("--commit-rows must be positive, got \(commitRows)") }
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2, got \(maxLength)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let format, DatasetFormat(rawValue: format) == nil {
            throw ValidationError("--format '\(format)' is not one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        let chunks = try readCorpus()
        let encoder = try SentenceEncoder<Float>.load(directory: URL(fileURLWithPath: model), maxLength: maxLength)
        let identity = EmbeddingIdentity(model: encoder.name, modelSHA256: encoder.encoder.weightsDigest(),
                                         corpusSHA256: corpusDigest(chunks), rows: chunks.count,
                                         dimension: encoder.dimension, maxLength: encoder.maxLength,
                                         commitRows: commitRows)
        let outURL = URL(fileURLWithPath: out)
        let partialURL = URL(fileURLWithPath: out + ".partial")
        if overwrite {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: partialURL)
        } else if FileManager.default.fileExists(atPath: out) {
            try checkFinished(outURL, identity)
            print("\(out) is already complete (\(chunks.count) rows, model \(identity.model))")
            return
        }
        let partial = try PartialEmbeddings(url: partialURL, identity: identity)
        let progress = ProgressRenderer()
        func report(_ done: Int) {
            _ = progress.handle(ProgressEvent(stage: "embed", done: done, total: chunks.count, unit: "passages"))
        }
        report(partial.rowsDone)
        var row = partial.rowsDone
        while row < chunks.count {
            let end = min(chunks.count, row + commitRows)
            let texts = chunks[row..<end].map(\.indexedText)
            let block = try encoder.encode(texts, batchSize: batchSize)
            try partial.append(block)
            row = end
            report(row)
        }
        progress.finish()
        try writeHDF5(outURL, identity: identity, ids: chunks.map(\.id), partial: partial)
        try FileManager.default.removeItem(at: partialURL)
        print("wrote \(out): /embeddings (\(chunks.count), \(identity.dimension)) float32, model \(identity.model)")
    }

    /// JSONL with `_id`/`text` directly; anything else through the dataset readers.
    func readCorpus() throws -> [Chunk] {
        if corpus.hasSuffix(".jsonl") && format == nil, let chunks = try CorpusJSONL.readIfCorpus(corpus, lenient: lenient) {
            return chunks
        }
        let dataset = try DatasetReader.read(corpus, format: format.flatMap(DatasetFormat.init(rawValue:)),
                                             options: ReadOptions(lenient: lenient))
        return dataset.corpus.chunks
    }

    func corpusDigest(_ chunks: [Chunk]) -> String {
        var h = SHA256()
        for c in chunks {
            h.update(c.id); h.update([0])
            h.update(c.indexedText); h.update([0])
        }
        return SHA256.hexString(h.finalize())
    }

    /// An existing output must be this very embedding; anything else needs --overwrite.
    func checkFinished(_ url: URL, _ identity: EmbeddingIdentity) throws {
        let file = try StoreFile.open(url, expecting: .embeddings, versions: 1...1)
        defer { try? file.close() }
        for (key, expected) in [("model_sha256", identity.modelSHA256), ("corpus_sha256", identity.corpusSHA256)] {
            guard case .string(let found)? = try file.attribute(key), found == expected else {
                throw ValidationError("\(url.path) holds embeddings of a different \(key == "model_sha256" ? "model" : "corpus") (attribute \(key)); pass --overwrite to replace it or choose another --out")
            }
        }
    }

    func writeHDF5(_ url: URL, identity: EmbeddingIdentity, ids: [String], partial: PartialEmbeddings) throws {
        let n = identity.rows, d = identity.dimension
        try StoreFile.writeAtomically(to: url, format: .embeddings, version: 1) { file in
            try file.setAttribute("model", .string(identity.model))
            try file.setAttribute("model_sha256", .string(identity.modelSHA256))
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

/// What a partial file must agree on before its rows are reused.
struct EmbeddingIdentity: Codable, Equatable {
    var model: String
    var modelSHA256: String
    var corpusSHA256: String
    var rows: Int
    var dimension: Int
    var maxLength: Int
    var commitRows: Int
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
                throw ValidationError("\(url.path) is not a radit partial embedding file; remove it or pass --overwrite")
            }
            guard found == identity else {
                throw ValidationError("\(url.path) was started with a different model, corpus or settings (\(found)); pass --overwrite to start again")
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
                throw ValidationError("cannot create \(url.path); check the folder exists and is writable")
            }
            let handle = try FileHandle(forUpdating: url)
            let json = String(decoding: try JSONEncoder().encode(identity), as: UTF8.self)
            var header = Self.magic + json
            guard header.utf8.count < Self.headerBytes else {
                throw ValidationError("model name too long for the partial-file header: \(identity.model)")
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
            throw ValidationError("\(url.path): expected \(rows.count) rows from row \(rows.lowerBound), file is short")
        }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

/// BEIR-style `corpus.jsonl`: one `{"_id", "text", "title"?}` per line.
enum CorpusJSONL {
    /// The chunks of `path` when its first record has `_id` and `text`; nil otherwise
    /// (then it is some other JSONL dataset, e.g. NQ-open questions).
    static func readIfCorpus(_ path: String, lenient: Bool) throws -> [Chunk]? {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        var chunks: [Chunk] = []
        var seen = Set<String>()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            guard let object, let id = (object["_id"] as? String) ?? (object["_id"] as? NSNumber)?.stringValue,
                  let text = object["text"] as? String else {
                if chunks.isEmpty && lineNumber == 1 { return nil }
                if lenient { continue }
                throw ValidationError("\(path):\(lineNumber): expected a JSON object with string \"_id\" and \"text\"; fix the line or pass --lenient")
            }
            guard seen.insert(id).inserted else {
                if lenient { continue }
                throw ValidationError("\(path):\(lineNumber): duplicate _id '\(id)'")
            }
            chunks.append(Chunk(id: id, title: object["title"] as? String ?? "", text: text))
        }
        return chunks
    }
}
