/// Bootstrap resamples of n questions: R rows of n indices drawn uniformly with
/// replacement from 0..<n. Every interval and paired bootstrap over the same questions uses
/// the same plan (common random numbers), so cells of a table are comparable and a table
/// does not depend on the order its cells are computed in.
///
/// Generated from any seeded generator (Radit passes `RandomSource(seed:)`): row after row,
/// index after index, each `Int.random(in: 0..<n, using:)`. A plan can also be given
/// explicitly (a committed index file shared with a reference implementation).
public struct BootstrapPlan: Sendable, Equatable {
    public let questions: Int
    public let resamples: Int
    private let storage: [Int32] // (R, n)

    public init<G: RandomNumberGenerator>(questions n: Int, resamples r: Int, using generator: inout G) {
        precondition(n > 0 && r > 0 && n <= Int(Int32.max), "BootstrapPlan: need n > 0 questions and R > 0 resamples")
        questions = n
        resamples = r
        var s = [Int32](repeating: 0, count: n * r)
        for i in 0..<(n * r) { s[i] = Int32(Int.random(in: 0..<n, using: &generator)) }
        storage = s
    }

    /// A plan from explicit rows, each n indices in 0..<n.
    public init(rows: [[Int]], source: String = "<memory>") throws(EvalError) {
        guard let n = rows.first?.count, n > 0 else {
            throw .statistics(what: source, detail: "a bootstrap plan needs at least one non-empty row")
        }
        var s: [Int32] = []
        s.reserveCapacity(n * rows.count)
        for (i, row) in rows.enumerated() {
            guard row.count == n, row.allSatisfy({ $0 >= 0 && $0 < n }) else {
                throw .statistics(what: source, detail: "bootstrap row \(i + 1) must hold \(n) indices in 0..<\(n)")
            }
            s += row.map { Int32($0) }
        }
        questions = n
        resamples = rows.count
        storage = s
    }

    /// The indices of resample `r`.  (n)
    public func row(_ r: Int) -> ArraySlice<Int32> { storage[(r * questions)..<((r + 1) * questions)] }

    /// The mean of `values` (n) under every resample.  (R)
    public func means(_ values: [Double]) -> [Double] {
        precondition(values.count == questions, "BootstrapPlan of \(questions) questions applied to \(values.count) values")
        return (0..<resamples).map { r in
            var s = 0.0
            for i in row(r) { s += values[Int(i)] }
            return s / Double(questions)
        }
    }
}

/// Sign flips for approximate randomization of n paired questions: R rows of n bits; bit
/// set = swap the two systems' scores on that question. Generated row after row, one
/// `next()` per question, the flip being its top bit.
public struct SignFlipPlan: Sendable, Equatable {
    public let questions: Int
    public let resamples: Int
    private let storage: [Bool] // (R, n)

    public init<G: RandomNumberGenerator>(questions n: Int, resamples r: Int, using generator: inout G) {
        precondition(n > 0 && r > 0, "SignFlipPlan: need n > 0 questions and R > 0 resamples")
        questions = n
        resamples = r
        var s = [Bool](repeating: false, count: n * r)
        for i in 0..<(n * r) { s[i] = generator.next() >> 63 == 1 }
        storage = s
    }

    public init(rows: [[Bool]], source: String = "<memory>") throws(EvalError) {
        guard let n = rows.first?.count, n > 0, rows.allSatisfy({ $0.count == n }) else {
            throw .statistics(what: source, detail: "a sign-flip plan needs rows of one non-zero length")
        }
        questions = n
        resamples = rows.count
        storage = rows.flatMap { $0 }
    }

    public func row(_ r: Int) -> ArraySlice<Bool> { storage[(r * questions)..<((r + 1) * questions)] }
}

/// The plans of one table: one bootstrap plan and one sign-flip plan per question count,
/// each from a fresh generator seeded with `seed` (flips: `seed &+ 1`), so every plan
/// depends only on (seed, n, R).
public struct ResamplingPlans {
    public let resamples: Int
    public let seed: UInt64
    private let makeBootstrap: (Int) -> BootstrapPlan
    private let makeFlips: (Int) -> SignFlipPlan
    private var bootstrapCache: [Int: BootstrapPlan] = [:]
    private var flipCache: [Int: SignFlipPlan] = [:]

    /// `generator` makes a seeded generator (Radit: `RandomSource.init(seed:)`).
    public init<G: RandomNumberGenerator>(resamples: Int, seed: UInt64, generator: @escaping (UInt64) -> G) {
        precondition(resamples > 0, "ResamplingPlans: resamples must be > 0")
        self.resamples = resamples
        self.seed = seed
        makeBootstrap = { n in
            var g = generator(seed)
            return BootstrapPlan(questions: n, resamples: resamples, using: &g)
        }
        makeFlips = { n in
            var g = generator(seed &+ 1)
            return SignFlipPlan(questions: n, resamples: resamples, using: &g)
        }
    }

    /// Plans given explicitly (one question count), e.g. read from a shared index file.
    public init(bootstrap: BootstrapPlan, flips: SignFlipPlan, seed: UInt64) {
        precondition(bootstrap.questions == flips.questions && bootstrap.resamples == flips.resamples,
                     "explicit plans must share n and R")
        resamples = bootstrap.resamples
        self.seed = seed
        makeBootstrap = { n in preconditionFailure("no bootstrap plan for n = \(n) besides the explicit one") }
        makeFlips = { n in preconditionFailure("no sign-flip plan for n = \(n) besides the explicit one") }
        bootstrapCache[bootstrap.questions] = bootstrap
        flipCache[flips.questions] = flips
    }

    public mutating func bootstrap(questions n: Int) -> BootstrapPlan {
        if let p = bootstrapCache[n] { return p }
        let p = makeBootstrap(n)
        bootstrapCache[n] = p
        return p
    }

    public mutating func flips(questions n: Int) -> SignFlipPlan {
        if let p = flipCache[n] { return p }
        let p = makeFlips(n)
        flipCache[n] = p
        return p
    }
}
