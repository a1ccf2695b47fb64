import Foundation
import RaditBase
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditText
import RaditTuning

/// Which checkpoint of a run to export.
public enum ExportCheckpoint: String, Sendable, CaseIterable {
    /// `best.h5` (best dev EM, DESIGN §5: checkpoints are selected on dev); the latest
    /// checkpoint when the run never evaluated on dev.
    case best
    /// The last `ckpt-<step>.h5`.
    case latest
}

/// Errors exporting a run's tuned models.
public enum ExportError: RaditError, Equatable {
    case destinationExists(path: String)
    case nothingRequested
    case notExportable(what: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var message: String {
        switch self {
        case let .destinationExists(p):
            return "\(p) already exists and is not empty; choose another folder or pass --overwrite to replace it"
        case .nothingRequested:
            return "nothing to export: pass --lm OUT and/or --retriever OUT"
        case let .notExportable(what, reason):
            return "cannot export the \(what): \(reason)"
        case let .writeFailed(p, reason):
            return "\(p): export failed (\(reason)); nothing was left at the destination"
        }
    }
}

/// Radit's own outputs of the exported models on a few inputs, for peers to compare with:
/// the LM's logits at every position of each prompt and the query encoder's embeddings.
public struct ExportReference: Codable, Sendable {
    public struct Logits: Codable, Sendable {
        public var text: String
        /// The prompt's token ids, framing tokens included (as the LM sees a prompt).
        public var ids: [Int]
        public var vocab: Int
        /// (T, V) row-major.
        public var logits: [Float]
    }
    public struct Embedding: Codable, Sendable {
        public var text: String
        public var ids: [Int]
        /// (D) L2-normalised.
        public var embedding: [Float]
    }
    public var run: String
    public var checkpoint: String
    public var step: Int
    public var lm: [Logits]
    public var retriever: [Embedding]
}

/// A finished (or stopped) run's tuned components rebuilt from its stored config and a
/// checkpoint, and written out for other tools (issue 11 §5): the LM with LoRA merged as a
/// `transformers` folder, the query encoder as a sentence-transformers folder. Each
/// folder is written to a temporary sibling, flushed and renamed, so a failed export
/// leaves nothing half-written.
public final class RunExport {
    public let directory: URL
    public let settings: RunSettings
    /// The checkpoint restored, and its training step.
    public let checkpoint: URL
    public let step: Int
    public let lm: LlamaLM
    public let queries: BiEncoderQueries
    let lmTokenizer: Tokenizer
    let chatTemplate: String?
    let encoderTokenizer: Tokenizer
    let encoderFolder: URL?

    /// Opens `directory` (a run folder), rebuilds both models as `radit run` built them
    /// and restores `choice`'s checkpoint into them.
    public init(run directory: URL, root: URL, checkpoint choice: ExportCheckpoint = .best) throws {
        let run = try ExperimentRun(resume: directory, root: root)
        let best = directory.appendingPathComponent("best.h5")
        let url: URL
        if choice == .best && FileManager.default.fileExists(atPath: best.path) {
            url = best
        } else if let last = run.checkpoints().last {
            url = last.url
        } else {
            throw RunError.noCheckpoint(directory: directory.path)
        }
        let settings = run.settings
        let snapshot = try CheckpointFile.read(url, seed: settings.train.seed)
        var byKey: [String: Tensor<Float>] = [:]
        for t in snapshot.tensors { byKey[t.key] = t.tensor }
        let lm = try NativeBackend.languageModel(settings, root: root)
        let queries = try NativeBackend.retriever(settings, root: root)
        try lm.restore(from: byKey)
        try queries.restore(from: byKey)

        if settings.lm.model == NativeBackend.tiny {
            lmTokenizer = ByteCodec.tokenizer()
            chatTemplate = nil
        } else {
            let gguf = try GGUFFile(url: RunSettings.resolve(settings.lm.model, root: root))
            lmTokenizer = try gguf.tokenizer()
            chatTemplate = gguf.metadata["tokenizer.chat_template"]?.string
        }
        if settings.retriever.model == NativeBackend.tiny {
            encoderTokenizer = ByteCodec.tokenizer()
            encoderFolder = nil
        } else {
            let folder = RunSettings.resolve(settings.retriever.model, root: root)
            encoderTokenizer = try Tokenizer(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"))
            encoderFolder = folder
        }
        self.directory = directory
        self.settings = settings
        self.checkpoint = url
        self.step = snapshot.state.step
        self.lm = lm
        self.queries = queries
    }

    /// Writes the tuned LM (LoRA merged) as a transformers folder at `destination`.
    public func writeLM(to destination: URL, overwrite: Bool = false) throws {
        try Self.writeFolder(destination, overwrite: overwrite) { tmp in
            try lm.model.exportHuggingFace(to: tmp, tokenizer: lmTokenizer, chatTemplate: chatTemplate)
        }
    }

    /// Writes the tuned query encoder as a sentence-transformers folder at `destination`.
    public func writeRetriever(to destination: URL, overwrite: Bool = false) throws {
        try Self.writeFolder(destination, overwrite: overwrite) { tmp in
            try queries.biEncoder.query.exportSentenceTransformers(to: tmp, tokenizer: encoderTokenizer,
                                                                   tokenizerFolder: encoderFolder,
                                                                   maxSeqLength: queries.maxLength)
        }
    }

    /// Radit's logits for `prompts` (the tuned LM as training ran it: adapters unmerged)
    /// and query embeddings for `sentences`.
    public func reference(prompts: [String], sentences: [String]) throws -> ExportReference {
        var logits: [ExportReference.Logits] = []
        for p in prompts {
            let ids = lm.codec.encode(p, special: true)
            let out = lm.model.logits(try LlamaBatch(sequences: [ids]))
            logits.append(.init(text: p, ids: ids, vocab: lm.model.config.vocab, logits: out.scalars))
        }
        let embeddings = try queries.embed(sentences)
        let d = queries.dimension
        let rows = sentences.enumerated().map { n, s in
            ExportReference.Embedding(text: s, ids: queries.tokenize([s])[0],
                                      embedding: Array(embeddings.scalars[(n * d)..<((n + 1) * d)]))
        }
        return ExportReference(run: directory.path, checkpoint: checkpoint.lastPathComponent, step: step, lm: logits, retriever: rows)
    }

    /// Builds a folder in a temporary sibling, flushes every file, then renames it into
    /// place (replacing an existing folder only with `overwrite`, after the new one is
    /// complete). On failure the temporary folder is removed and the destination untouched.
    static func writeFolder(_ destination: URL, overwrite: Bool, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let existing = (try? fm.contentsOfDirectory(atPath: destination.path)) ?? []
        let exists = fm.fileExists(atPath: destination.path)
        if exists && !existing.isEmpty && !overwrite { throw ExportError.destinationExists(path: destination.path) }
        let parent = destination.deletingLastPathComponent()
        let name = destination.lastPathComponent
        let tmp = parent.appendingPathComponent(".\(name).tmp-\(getpid())")
        let old = parent.appendingPathComponent(".\(name).old-\(getpid())")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: tmp)
            try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
            try body(tmp)
            try syncTree(tmp)
            if exists {
                guard rename(destination.path, old.path) == 0 else { throw posixFailure(destination) }
            }
            guard rename(tmp.path, destination.path) == 0 else {
                let failure = posixFailure(destination)
                if exists { _ = rename(old.path, destination.path) }
                throw failure
            }
            if exists { try? fm.removeItem(at: old) }
        } catch let e as ExportError {
            try? fm.removeItem(at: tmp)
            throw e
        } catch {
            try? fm.removeItem(at: tmp)
            throw ExportError.writeFailed(path: destination.path, reason: (error as? RaditError)?.message ?? "\(error)")
        }
    }

    static func posixFailure(_ url: URL) -> ExportError {
        .writeFailed(path: url.path, reason: String(cString: strerror(errno)))
    }

    /// fsync of every file under `folder` (and the folder), so the rename publishes data on disk.
    static func syncTree(_ folder: URL) throws {
        let fm = FileManager.default
        var paths = [folder.path]
        if let walker = fm.enumerator(atPath: folder.path) {
            for case let rel as String in walker { paths.append(folder.appendingPathComponent(rel).path) }
        }
        for p in paths {
            let fd = open(p, O_RDONLY)
            guard fd >= 0 else { throw ExportError.writeFailed(path: p, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw ExportError.writeFailed(path: p, reason: "fsync: " + String(cString: strerror(errno))) }
        }
    }
}
