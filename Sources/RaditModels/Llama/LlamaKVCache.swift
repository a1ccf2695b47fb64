import RaditTensor

/// Keys and values of past tokens for incremental decoding of one sequence (B = 1):
/// per layer `k`, `v` (capacity, Hkv·Dh), already RoPE-rotated. Appending T tokens costs
/// one forward over T queries against `length + T` keys.
public final class LlamaKVCache<S: BLASScalar> {
    public let capacity: Int
    public let layers: Int
    public let kvWidth: Int
    /// Tokens cached so far (the next token's position).
    public internal(set) var length = 0
    let keys: UnsafeMutablePointer<S>      // (L, capacity, Hkv·Dh)
    let values: UnsafeMutablePointer<S>    // (L, capacity, Hkv·Dh)

    public init(config: LlamaConfig, capacity: Int) {
        self.capacity = capacity
        layers = config.layers
        kvWidth = config.kvWidth
        let n = max(1, layers * capacity * kvWidth)
        keys = .allocate(capacity: n); keys.initialize(repeating: 0, count: n)
        values = .allocate(capacity: n); values.initialize(repeating: 0, count: n)
    }

    deinit { keys.deallocate(); values.deallocate() }

    /// Forgets every cached token (the buffers are reused).
    public func reset() { length = 0 }

    func keys(layer l: Int) -> UnsafeMutablePointer<S> { keys + l * capacity * kvWidth }
    func values(layer l: Int) -> UnsafeMutablePointer<S> { values + l * capacity * kvWidth }
}
