/// A dense row-major tensor of `Scalar` with a checked shape. Storage is a plain array so
/// values are copied on write like any Swift value; hot loops use the pointer accessors.
public struct Tensor<Scalar: BLASScalar>: Equatable, Sendable {
    public private(set) var shape: [Int]
    public var scalars: [Scalar]

    public init(shape: [Int], repeating value: Scalar = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.shape = shape
        self.scalars = [Scalar](repeating: value, count: shape.reduce(1, *))
    }

    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) holds \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// Rows of a rank-2 tensor.
    public var rows: Int { precondition(rank == 2, "rows of a rank-\(rank) tensor"); return shape[0] }
    /// Columns of a rank-2 tensor.
    public var columns: Int { precondition(rank == 2, "columns of a rank-\(rank) tensor"); return shape[1] }

    /// The flat offset of a multi-index, bounds-checked.
    @inlinable
    public func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var o = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor: index \(index) out of bounds for shape \(shape)")
            o = o * d + i
        }
        return o
    }

    public subscript(_ index: Int...) -> Scalar {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    /// Same values, new shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Row `i` of a rank-2 tensor as an array.
    public func row(_ i: Int) -> [Scalar] {
        precondition(rank == 2 && i >= 0 && i < shape[0], "Tensor.row(\(i)) of shape \(shape)")
        return Array(scalars[(i * shape[1])..<((i + 1) * shape[1])])
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Converts element type (Float ↔ Double), used by Double gradient checks.
    public func converted<T: BLASScalar>(to: T.Type = T.self) -> Tensor<T> {
        Tensor<T>(shape: shape, scalars: scalars.map { T($0) })
    }
}

extension Tensor {
    /// `op(A) · op(B)` for rank-2 tensors through the checked `gemm` wrapper.
    public static func matmul(_ a: Tensor, _ b: Tensor,
                              transA: Transpose = .none, transB: Transpose = .none) -> Tensor {
        let (m, ka) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(ka == kb, "matmul: inner dimensions differ, \(a.shape) \(transA) × \(b.shape) \(transB)")
        var c = Tensor(shape: [m, n])
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.scalars.withUnsafeMutableBufferPointer { pc in
                    gemm(transA, transB, m: m, n: n, k: ka,
                         a: pa.baseAddress!, lda: max(1, a.columns),
                         b: pb.baseAddress!, ldb: max(1, b.columns),
                         c: pc.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return c
    }
}
