/// Means, standard deviations and quantiles as numpy computes them.
public enum Descriptive {
    /// Arithmetic mean (NaN for no values).
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
    }

    /// Sample standard deviation (numpy `std(ddof=1)`); nil for fewer than two values.
    public static func sampleStandardDeviation(_ x: [Double]) -> Double? {
        guard x.count > 1 else { return nil }
        let m = mean(x)
        let ss = x.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (ss / Double(x.count - 1)).squareRoot()
    }

    /// The q-quantile of ascending `sorted` values with linear interpolation between order
    /// statistics (Hyndman & Fan type 7, numpy's default `method="linear"`).
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty && q >= 0 && q <= 1, "quantile: need values and q in [0, 1]")
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

/// Mean ± sample standard deviation of one quantity over training seeds.
public struct SeedSummary: Sendable, Equatable {
    public var mean: Double
    /// nil with a single seed.
    public var standardDeviation: Double?
    public var seeds: Int

    public init(_ values: [Double]) {
        mean = Descriptive.mean(values)
        standardDeviation = Descriptive.sampleStandardDeviation(values)
        seeds = values.count
    }
}
