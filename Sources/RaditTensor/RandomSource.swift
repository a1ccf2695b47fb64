/// The seeded generator every sampler in Radit takes.
///
/// Algorithm: PCG-XSL-RR 128/64 (O'Neill 2014, "pcg64" in numpy's naming minus the
/// stream-selection API): a 128-bit LCG with multiplier 0x2360ED051FC65DA44385DF649FCCF645,
/// output = rotate-right(high64 ^ low64, state >> 122). The seed goes through SplitMix64 to
/// fill the 128-bit state and the odd increment, so nearby seeds give unrelated streams.
/// The whole state is two UInt128-as-pairs, exported by `state` for checkpoints.
public struct RandomSource: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var stateHigh: UInt64
    public private(set) var stateLow: UInt64
    public private(set) var incHigh: UInt64
    public private(set) var incLow: UInt64
    /// A second normal from Box–Muller waiting to be returned (part of the state).
    public private(set) var spareNormal: Double?

    private static let mulHigh: UInt64 = 0x2360_ED05_1FC6_5DA4
    private static let mulLow: UInt64 = 0x4385_DF64_9FCC_F645

    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        stateHigh = splitmix()
        stateLow = splitmix()
        incHigh = splitmix()
        incLow = splitmix() | 1
        spareNormal = nil
        step()
    }

    /// A generator derived from this seed and a string key (e.g. an instance id), so that
    /// adding instances never reshuffles earlier ones.
    public init(seed: UInt64, key: String) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a 64 over the key's UTF-8
        for b in key.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        self.init(seed: seed ^ (h &* 0x9E37_79B9_7F4A_7C15))
    }

    /// Restores a generator from a saved state (see `state`).
    public init(state: [UInt64], spareNormal: Double?) {
        precondition(state.count == 4, "RandomSource state has 4 words, got \(state.count)")
        stateHigh = state[0]; stateLow = state[1]; incHigh = state[2]; incLow = state[3]
        self.spareNormal = spareNormal
    }

    /// The four state words, for checkpoints.
    public var state: [UInt64] { [stateHigh, stateLow, incHigh, incLow] }

    private mutating func step() {
        // state = state * mul + inc (mod 2^128)
        let (hiLo, loLo) = stateLow.multipliedFullWidth(by: Self.mulLow)
        let cross = stateHigh &* Self.mulLow &+ stateLow &* Self.mulHigh
        var newHigh = hiLo &+ cross
        let (newLow, carry) = loLo.addingReportingOverflow(incLow)
        newHigh = newHigh &+ incHigh &+ (carry ? 1 : 0)
        stateHigh = newHigh
        stateLow = newLow
    }

    public mutating func next() -> UInt64 {
        step()
        let rot = stateHigh >> 58
        let x = stateHigh ^ stateLow
        return (x >> rot) | (x << ((64 &- rot) & 63))
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// Standard normal by Box–Muller (both values used, in order).
    public mutating func normal() -> Double {
        if let s = spareNormal {
            spareNormal = nil
            return s
        }
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * Double.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * Double.sin(theta)
        return r * Double.cos(theta)
    }

    public mutating func normal(mean: Double, std: Double) -> Double { mean + std * normal() }

    /// Uniform integer in 0..<n (unbiased, Lemire's method via the standard library).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "RandomSource.int(below:) needs n > 0, got \(n)")
        return Int.random(in: 0..<n, using: &self)
    }

    /// Bernoulli(p).
    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// Index drawn with probability proportional to `weights` (non-negative, positive sum).
    public mutating func categorical<S: BinaryFloatingPoint>(_ weights: [S]) -> Int {
        var total = 0.0
        for w in weights {
            precondition(w >= 0 && w.isFinite, "categorical: weight \(w) must be finite and ≥ 0")
            total += Double(w)
        }
        precondition(total > 0, "categorical: weights sum to 0")
        let u = uniform() * total
        var acc = 0.0
        for (i, w) in weights.enumerated() {
            acc += Double(w)
            if u < acc { return i }
        }
        return weights.lastIndex(where: { $0 > 0 })!
    }

    /// Fisher–Yates shuffle in place.
    public mutating func shuffle<T>(_ a: inout [T]) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }

    /// `k` distinct indices from 0..<n, in draw order.
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "sample: cannot draw \(k) distinct of \(n)")
        var pool = Array(0..<n)
        for i in 0..<k {
            let j = i + int(below: n - i)
            pool.swapAt(i, j)
        }
        return Array(pool[0..<k])
    }

    /// A tensor of N(mean, std²) values.
    public mutating func normalTensor<S: BLASScalar>(_ shape: [Int], mean: Double = 0, std: Double = 1,
                                                     as: S.Type = S.self) -> Tensor<S> {
        var t = Tensor<S>(shape: shape)
        for i in 0..<t.count { t.scalars[i] = S(normal(mean: mean, std: std)) }
        return t
    }

    /// A tensor of U[low, high) values.
    public mutating func uniformTensor<S: BLASScalar>(_ shape: [Int], low: Double = -1, high: Double = 1,
                                                      as: S.Type = S.self) -> Tensor<S> {
        var t = Tensor<S>(shape: shape)
        for i in 0..<t.count { t.scalars[i] = S(uniform(low, high)) }
        return t
    }
}
