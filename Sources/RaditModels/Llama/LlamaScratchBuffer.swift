import RaditTensor

/// A growable, zero-initialised scalar buffer owned by a model's workspace; reused
/// across calls so hot paths never allocate.
final class LlamaScratchBuffer<S: BLASScalar> {
    private(set) var pointer: UnsafeMutablePointer<S>
    private(set) var capacity: Int

    init(_ count: Int = 0) {
        capacity = max(1, count)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }

    /// Ensures room for `count` scalars (contents are discarded when it grows).
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<S> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        return pointer
    }

    func zero(_ count: Int) { pointer.update(repeating: 0, count: min(count, capacity)) }
}
