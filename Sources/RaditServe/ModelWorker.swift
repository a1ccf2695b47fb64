import Foundation
import RaditModels

/// The one owner of the model: `LlamaModel` is not thread-safe, so every job runs on one
/// serial queue, in arrival order. At most `capacity` jobs are admitted (running or
/// waiting); `submit` refuses more, which the server answers with 429.
final class ModelWorker: @unchecked Sendable {
    private let bundle: LlamaBundle
    private let queue = DispatchQueue(label: "radit.serve.model", qos: .userInitiated)
    private let lock = NSLock()
    private var admitted = 0
    let capacity: Int

    init(bundle: LlamaBundle, capacity: Int) {
        self.bundle = bundle
        self.capacity = max(1, capacity)
    }

    /// Queues `job`; false (and `job` never runs) when the queue is full.
    func submit(_ job: @escaping @Sendable (LlamaBundle) -> Void) -> Bool {
        lock.lock()
        guard admitted < capacity else { lock.unlock(); return false }
        admitted += 1
        lock.unlock()
        queue.async { [self] in
            job(bundle)
            lock.lock(); admitted -= 1; lock.unlock()
        }
        return true
    }

    /// Facts about the model that request validation needs, read once at start.
    struct Facts: Sendable {
        var vocab: Int
        var contextLength: Int
        var hasChatTemplate: Bool
        /// The end token generation stops at.
        var endToken: Int?
    }

    func facts() -> Facts {
        queue.sync { Facts(vocab: bundle.model.config.vocab, contextLength: bundle.model.config.maxPositions,
                           hasChatTemplate: bundle.chatTemplate != nil,
                           endToken: bundle.tokenizer.eosId ?? bundle.model.config.eosToken) }
    }
}
