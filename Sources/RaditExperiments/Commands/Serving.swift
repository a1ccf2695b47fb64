import Foundation
import RaditModels
import RaditServe

/// `radit serve MODEL`: the OpenAI-compatible server over a native Llama-family model, on
/// loopback by default.
public struct Serving {
    public var model: URL
    public var host = "127.0.0.1"
    public var port = 8080
    /// The model name clients send (default: the file or folder name without extension).
    public var name: String?
    /// Requests admitted at once (running or queued); more are answered with 429.
    public var queue = 256
    /// max_tokens for chat requests that give none.
    public var maxChatTokens = 256

    public init(model: URL) { self.model = model }

    /// A started server: its address and a blocking wait until it stops.
    public struct Running {
        let server: OpenAIServer
        public let modelName: String
        public var baseURL: String { server.baseURL }
        public func wait() throws { try server.wait() }
    }

    public func start() throws -> Running {
        guard FileManager.default.fileExists(atPath: model.path) else { throw ServingError.missing(model.path) }
        if FileManager.default.fileExists(atPath: model.appendingPathComponent("run.h5").path) {
            throw ServingError.runFolder(model.path)
        }
        let bundle = try LlamaBundle(path: model)
        let modelName = name ?? model.deletingPathExtension().lastPathComponent
        let server = try OpenAIServer(bundle: bundle, config: ServeConfig(host: host, port: port, modelName: modelName,
                                                                          queueCapacity: queue,
                                                                          defaultChatMaxTokens: maxChatTokens))
        return Running(server: server, modelName: modelName)
    }
}

/// Why `radit serve` cannot start.
public enum ServingError: Error, CustomStringConvertible {
    case missing(String)
    case runFolder(String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p) does not exist: give a .gguf file or an HF model folder"
        case .runFolder(let p):
            return "\(p) is a run folder; serving a run's tuned LM is not supported yet: export it with "
                + "`radit export \(p) --lm DIR` and serve DIR"
        }
    }
}
