import RaditTensor

/// What a model declares for one named parameter tensor.
public struct ParameterSpec: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    /// Frozen parameters (`false`) never move: AdamW skips them, `zeroGradients` keeps their
    /// gradients at zero and the global norm ignores them.
    public var trainable: Bool
    /// Whether AdamW's decoupled decay applies. Default: matrices only (rank ≥ 2), as
    /// nanoGPT — biases and norm gains are not decayed.
    public var weightDecay: Bool

    public init(name: String, shape: [Int], trainable: Bool = true, weightDecay: Bool? = nil) {
        self.name = name
        self.shape = shape
        self.trainable = trainable
        self.weightDecay = weightDecay ?? (shape.count >= 2)
    }

    public var count: Int { shape.reduce(1, *) }
}

/// A parameter's place in the arena: its spec plus its offset into the flat buffers.
public struct ParameterSlot: Sendable, Equatable {
    public var spec: ParameterSpec
    public var offset: Int
    public var name: String { spec.name }
    public var shape: [Int] { spec.shape }
    public var count: Int { spec.count }
}

/// Errors from restoring arena state; each names the parameter and what was expected.
public enum ParameterArenaError: Error, Equatable, CustomStringConvertible {
    case unknownParameter(String)
    case missingParameter(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case countMismatch(name: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case .unknownParameter(let n): return "parameter '\(n)' is not in this model; check the checkpoint matches the model config"
        case .missingParameter(let n): return "parameter '\(n)' is missing from the state being restored"
        case .shapeMismatch(let n, let e, let f): return "parameter '\(n)': expected shape \(e), found \(f); the checkpoint was written for a different model config"
        case .countMismatch(let n, let e, let f): return "parameter '\(n)': expected \(e) values, found \(f)"
        }
    }
}

/// Plain-array state of an arena, for checkpoint writers that cannot import RaditKernels:
/// per parameter (in arena order) its name, shape and flags, the values and AdamW's
/// first/second moments, plus the optimizer step counter.
public struct ParameterArenaState<S: BLASScalar>: Sendable, Equatable {
    public var names: [String]
    public var shapes: [[Int]]
    public var trainable: [Bool]
    public var values: [[S]]
    /// Empty when no optimizer step has been taken.
    public var m: [[S]]
    public var v: [[S]]
    public var step: Int

    public init(names: [String], shapes: [[Int]], trainable: [Bool], values: [[S]], m: [[S]], v: [[S]], step: Int) {
        self.names = names
        self.shapes = shapes
        self.trainable = trainable
        self.values = values
        self.m = m
        self.v = v
        self.step = step
    }
}

/// All named parameters of a model in one flat allocation (llm.c), with a gradient buffer
/// and AdamW moments `m`, `v` of the same layout, so zeroing, norms, clipping, the
/// optimizer and checkpoint I/O are flat loops. Buffers are zero-initialised; the
/// gradient and moment buffers are allocated on first use (inference never pays for them).
/// A reference type: kernels write through its pointers. Not thread-safe.
public final class ParameterArena<S: BLASScalar> {
    public let slots: [ParameterSlot]
    /// Total number of scalars.
    public let count: Int
    /// AdamW steps taken so far; the next step uses `step + 1` for bias correction.
    public private(set) var step: Int = 0
    public let values: UnsafeMutablePointer<S>
    private var gradStorage: UnsafeMutablePointer<S>?
    private var mStorage: UnsafeMutablePointer<S>?
    private var vStorage: UnsafeMutablePointer<S>?
    private let index: [String: Int]

    /// Lays parameters out in the given order. Names must be unique (programmer error).
    public init(_ specs: [ParameterSpec]) {
        var slots: [ParameterSlot] = []
        var index: [String: Int] = [:]
        var offset = 0
        for spec in specs {
            precondition(index[spec.name] == nil, "ParameterArena: duplicate parameter name '\(spec.name)'")
            precondition(spec.shape.allSatisfy { $0 >= 0 }, "ParameterArena: negative shape \(spec.shape) for '\(spec.name)'")
            index[spec.name] = slots.count
            slots.append(ParameterSlot(spec: spec, offset: offset))
            offset += spec.count
        }
        self.slots = slots
        self.index = index
        self.count = offset
        values = .allocate(capacity: max(1, offset))
        values.initialize(repeating: 0, count: max(1, offset))
    }

    deinit {
        values.deallocate()
        gradStorage?.deallocate()
        mStorage?.deallocate()
        vStorage?.deallocate()
    }

    private func zeroed() -> UnsafeMutablePointer<S> {
        let p = UnsafeMutablePointer<S>.allocate(capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
        return p
    }

    /// Gradient buffer, same layout as `values` (allocated zeroed on first access).
    public var grads: UnsafeMutablePointer<S> {
        if let g = gradStorage { return g }
        let g = zeroed()
        gradStorage = g
        return g
    }

    /// AdamW first moment, same layout (allocated zeroed on first access).
    public var m: UnsafeMutablePointer<S> {
        if let p = mStorage { return p }
        let p = zeroed()
        mStorage = p
        return p
    }

    /// AdamW second moment, same layout (allocated zeroed on first access).
    public var v: UnsafeMutablePointer<S> {
        if let p = vStorage { return p }
        let p = zeroed()
        vStorage = p
        return p
    }

    /// The slot of `name`, or nil.
    public func slot(_ name: String) -> ParameterSlot? {
        index[name].map { slots[$0] }
    }

    /// Values of parameter `name` (programmer error if unknown).
    public func value(_ name: String) -> UnsafeMutablePointer<S> {
        values + requireSlot(name).offset
    }

    /// Gradient of parameter `name` (programmer error if unknown).
    public func grad(_ name: String) -> UnsafeMutablePointer<S> {
        grads + requireSlot(name).offset
    }

    private func requireSlot(_ name: String) -> ParameterSlot {
        guard let s = slot(name) else { preconditionFailure("ParameterArena: no parameter named '\(name)'") }
        return s
    }

    /// Copies of one parameter's values.
    public func array(_ name: String) -> [S] {
        let s = requireSlot(name)
        return Array(UnsafeBufferPointer(start: values + s.offset, count: s.count))
    }

    /// Overwrites one parameter's values; throws when the name or count is wrong.
    public func setValues(_ name: String, _ newValues: [S]) throws {
        guard let s = slot(name) else { throw ParameterArenaError.unknownParameter(name) }
        guard newValues.count == s.count else {
            throw ParameterArenaError.countMismatch(name: name, expected: s.count, found: newValues.count)
        }
        copy(newValues, to: values + s.offset)
    }

    private func copy(_ source: [S], to destination: UnsafeMutablePointer<S>) {
        source.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { destination.update(from: base, count: buffer.count) }
        }
    }

    /// Sets every gradient (trainable or frozen) to zero. Models should pass `nil` for
    /// frozen gradients to the backward kernels; then they stay zero.
    public func zeroGradients() {
        grads.update(repeating: 0, count: count)
    }

    /// Global L2 norm of the gradients of trainable parameters.
    public func gradientNorm() -> Double {
        var ss = 0.0
        for s in slots where s.spec.trainable { ss += sumOfSquares(grads + s.offset, count: s.count) }
        return ss.squareRoot()
    }

    /// Clips trainable gradients by global norm (`clipCoefficient`) and returns the
    /// pre-clip norm (what training logs).
    @discardableResult
    public func clipGradients(maxNorm: Double) -> Double {
        let buffers = slots.filter { $0.spec.trainable }.map { (grads + $0.offset, $0.count) }
        return clipByGlobalNorm(buffers, maxNorm: maxNorm)
    }

    /// One AdamW step (see `adamWUpdate`) on every trainable parameter with learning rate
    /// `lr`; decay applies only where `weightDecay` is set. Increments `step` first.
    public func adamWStep(lr: Double, config: AdamWConfig) {
        step += 1
        let g = grads, mm = m, vv = v
        for s in slots where s.spec.trainable {
            adamWUpdate(params: values + s.offset, grads: g + s.offset, m: mm + s.offset, v: vv + s.offset,
                        count: s.count, lr: lr, beta1: config.beta1, beta2: config.beta2, eps: config.eps,
                        weightDecay: s.spec.weightDecay ? config.weightDecay : 0, step: step)
        }
    }

    /// Everything a checkpoint needs, as plain arrays in arena order.
    public func exportState() -> ParameterArenaState<S> {
        func arrays(_ p: UnsafeMutablePointer<S>) -> [[S]] {
            slots.map { Array(UnsafeBufferPointer(start: p + $0.offset, count: $0.count)) }
        }
        let hasMoments = mStorage != nil && vStorage != nil
        return ParameterArenaState(
            names: slots.map(\.name), shapes: slots.map(\.shape), trainable: slots.map(\.spec.trainable),
            values: arrays(values), m: hasMoments ? arrays(m) : [], v: hasMoments ? arrays(v) : [], step: step)
    }

    /// Restores values, moments and the step counter. Every arena parameter must be
    /// present with the same shape; unknown names are errors. Checks everything before
    /// writing anything.
    public func restore(_ state: ParameterArenaState<S>) throws {
        let n = state.names.count
        guard state.shapes.count == n, state.values.count == n,
              state.m.isEmpty || state.m.count == n, state.v.count == state.m.count else {
            throw ParameterArenaError.countMismatch(name: "<state arrays>", expected: n, found: state.values.count)
        }
        var position: [String: Int] = [:]
        for (i, name) in state.names.enumerated() {
            guard let s = slot(name) else { throw ParameterArenaError.unknownParameter(name) }
            guard state.shapes[i] == s.shape else {
                throw ParameterArenaError.shapeMismatch(name: name, expected: s.shape, found: state.shapes[i])
            }
            for arrays in [state.values] + (state.m.isEmpty ? [] : [state.m, state.v]) where arrays[i].count != s.count {
                throw ParameterArenaError.countMismatch(name: name, expected: s.count, found: arrays[i].count)
            }
            position[name] = i
        }
        for s in slots where position[s.name] == nil { throw ParameterArenaError.missingParameter(s.name) }
        for s in slots {
            let i = position[s.name]!
            copy(state.values[i], to: values + s.offset)
            if !state.m.isEmpty {
                copy(state.m[i], to: m + s.offset)
                copy(state.v[i], to: v + s.offset)
            }
        }
        if state.m.isEmpty && mStorage != nil {
            m.update(repeating: 0, count: count)
            v.update(repeating: 0, count: count)
        }
        step = state.step
    }
}
