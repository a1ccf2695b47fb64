import Foundation
import RaditBase
import RaditData
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditServe

/// `radit serve MODEL_OR_RUN`: the OpenAI-compatible server over a native Llama-family
/// model, or over a run's tuned LM (its best checkpoint, LoRA merged, exactly as `radit
/// export --lm` writes it), on loopback by default. `POST /retrieve` serves a run's tuned
/// dense retriever over the run's corpus, or a base encoder (`retriever`) over `corpus`.
public struct Serving {
    public var model: URL
    public var host = "127.0.0.1"
    public var port = 8080
    /// The model name clients send (default: the file, folder or run name without extension).
    public var name: String?
    /// Requests admitted at once (running or queued); more are answered with 429.
    public var queue = 256
    /// max_tokens for chat requests that give none.
    public var maxChatTokens = 256
    /// A base encoder (catalog name or folder) and a corpus for `POST /retrieve` (not with a run).
    public var retriever: String?
    public var corpus: String?
    public var modelsDir = URL(fileURLWithPath: "models")
    /// Resolves a run's relative paths (its models and data), as `radit run` did.
    public var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

    public init(model: URL) { self.model = model }

    /// A started server: its address and a blocking wait until it stops.
    public struct Running {
        let server: OpenAIServer
        public let modelName: String
        /// Documents `POST /retrieve` serves (0: none).
        public let documents: Int
        public var baseURL: String { server.baseURL }
        /// `http://host:port`, where `/retrieve` lives.
        public var rootURL: String { String(server.baseURL.dropLast("/v1".count)) }
        public func wait() throws { try server.wait() }
        public func shutdown() { server.shutdown() }
    }

    public func start(progress: ProgressHandler = silentProgress) throws -> Running {
        guard FileManager.default.fileExists(atPath: model.path) else { throw ServingError.missing(model.path) }
        if (retriever == nil) != (corpus == nil) { throw ServingError.retrieverNeedsCorpus }
        let bundle: LlamaBundle
        var search: (any DocumentSearch)?
        if FileManager.default.fileExists(atPath: model.appendingPathComponent("run.h5").path) {
            if retriever != nil { throw ServingError.retrieverWithRun(model.path) }
            let export = try RunExport(run: model, root: root, checkpoint: .best)
            bundle = try Self.mergedLM(export)
            search = try RunSearch(export: export, root: root, progress: progress)
        } else {
            bundle = try LlamaBundle(path: model)
            if let retriever, let corpus {
                let encoder = try SentenceEncoder<Float>.load(model: retriever, modelsDir: modelsDir)
                let chunks = try DatasetReader.read(corpus).corpus
                search = RunSearch(retriever: try DenseRetriever(corpus: chunks, documents: encoder, progress: progress), corpus: chunks)
            }
        }
        let modelName = name ?? model.deletingPathExtension().lastPathComponent
        let server = try OpenAIServer(bundle: bundle, config: ServeConfig(host: host, port: port, modelName: modelName,
                                                                          queueCapacity: queue,
                                                                          defaultChatMaxTokens: maxChatTokens),
                                      search: search)
        return Running(server: server, modelName: modelName, documents: search?.count ?? 0)
    }

    /// The run's tuned LM with LoRA merged: written as `radit export --lm` writes it (to a
    /// temporary folder, removed once loaded) and loaded back, so what is served is what
    /// other tools get from an export.
    static func mergedLM(_ export: RunExport) throws -> LlamaBundle {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("radit-serve-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        try export.writeLM(to: tmp.appendingPathComponent("lm"))
        return try LlamaBundle(path: tmp.appendingPathComponent("lm"))
    }
}

/// `POST /retrieve` over a dense retriever: a run's tuned query encoder over the run's
/// frozen document index (the same index `radit run` searched), or a base encoder over a corpus.
final class RunSearch: DocumentSearch {
    let retriever: any Retriever
    let corpus: Corpus

    init(retriever: any Retriever, corpus: Corpus) {
        self.retriever = retriever
        self.corpus = corpus
    }

    /// The run's data and document embeddings rebuilt as `radit run` built them (the
    /// embeddings read from the runs folder's cache when there), searched with the tuned
    /// query encoder the export restored.
    convenience init(export: RunExport, root: URL, progress: ProgressHandler) throws {
        let setup = try NativeBackend(runsDirectory: export.directory.deletingLastPathComponent())
            .build(export.settings, root: root, progress: progress)
        self.init(retriever: try DenseRetriever(queries: export.queries, index: setup.index), corpus: setup.data.corpus)
    }

    var count: Int { corpus.count }

    func retrieve(_ queries: [String], k: Int) throws -> [[(document: RetrievedDocument, score: Double)]] {
        let r = try retriever.search(queries, k: k)
        return (0..<r.queryCount).map { q in
            r.hits(q).filter { $0.id >= 0 }.map { hit in
                let c = corpus[hit.id]
                return (document: RetrievedDocument(id: c.id, title: c.title, text: c.text), score: Double(hit.score))
            }
        }
    }
}

/// Why `radit serve` cannot start.
public enum ServingError: Error, CustomStringConvertible {
    case missing(String)
    case retrieverNeedsCorpus
    case retrieverWithRun(String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p) does not exist: give a .gguf file, an HF model folder or a run folder"
        case .retrieverNeedsCorpus: return "--retriever and --corpus go together: an encoder and the corpus it ranks for POST /retrieve"
        case .retrieverWithRun(let p):
            return "\(p) is a run folder: /retrieve serves the run's tuned retriever over its corpus; drop --retriever and --corpus"
        }
    }
}
