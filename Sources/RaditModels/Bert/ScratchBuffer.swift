import RaditTensor

/// A zeroed, fixed-size heap buffer that frees itself: the activations and gradient
/// scratch of the encoder live in these so kernels get stable raw pointers.
@usableFromInline final class ScratchBuffer<S: BLASScalar> {
    @usableFromInline let pointer: UnsafeMutablePointer<S>
    @usableFromInline let count: Int

    @usableFromInline init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { pointer.deallocate() }

    @usableFromInline func zero() { pointer.update(repeating: 0, count: count) }

    @usableFromInline var array: [S] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
