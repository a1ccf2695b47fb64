import Foundation

/// Binomial probabilities in log space, so that thousands of trials neither overflow the
/// coefficients nor underflow 0.5^m.
public enum Binomial {
    /// log P(X = k) for X ~ Binomial(m, p), 0 < p < 1.
    public static func logPMF(_ k: Int, trials m: Int, p: Double) -> Double {
        precondition(k >= 0 && k <= m && p > 0 && p < 1, "Binomial.logPMF: need 0 ≤ k ≤ m and 0 < p < 1")
        return lgamma(Double(m + 1)) - lgamma(Double(k + 1)) - lgamma(Double(m - k + 1))
            + Double(k) * log(p) + Double(m - k) * log1p(-p)
    }

    /// P(X ≤ k) for X ~ Binomial(m, p), summed in log space (log-sum-exp).
    public static func cdf(_ k: Int, trials m: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= m { return 1 }
        let logs = (0...k).map { logPMF($0, trials: m, p: p) }
        let top = logs.max()!
        return min(1, exp(top) * logs.reduce(0) { $0 + exp($1 - top) })
    }

    /// Two-sided exact test of k successes in m trials against p = ½: the probability of an
    /// outcome at least as far from m/2, i.e. min(1, 2·P(X ≤ min(k, m−k))). Equals
    /// `scipy.stats.binomtest(k, m, 0.5).pvalue` (for p = ½ its "outcomes no more likely"
    /// rule is this doubling). 1 when m = 0.
    public static func twoSidedHalf(_ k: Int, trials m: Int) -> Double {
        precondition(k >= 0 && k <= m, "Binomial.twoSidedHalf: need 0 ≤ k ≤ m")
        if m == 0 { return 1 }
        return min(1, 2 * cdf(min(k, m - k), trials: m, p: 0.5))
    }
}
