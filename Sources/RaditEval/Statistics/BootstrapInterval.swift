/// A two-sided confidence interval for a mean.
public struct ConfidenceInterval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    /// Coverage, e.g. 0.95.
    public var level: Double

    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }
}

/// Percentile bootstrap over questions (Efron & Tibshirani 1993, §13.3): the mean under
/// each of the plan's R resamples; the interval is the (1−level)/2 and (1+level)/2
/// quantiles of those means (numpy's linear interpolation, `Descriptive.quantile`).
public enum BootstrapInterval {
    public static func mean(_ values: [Double], plan: BootstrapPlan, level: Double = 0.95) throws(EvalError) -> ConfidenceInterval {
        guard values.count == plan.questions else {
            throw .statistics(what: "bootstrap interval",
                              detail: "\(values.count) values but the plan resamples \(plan.questions) questions")
        }
        guard level > 0 && level < 1 else {
            throw .statistics(what: "bootstrap interval", detail: "level \(level) must lie in (0, 1)")
        }
        let means = plan.means(values).sorted()
        return ConfidenceInterval(lower: Descriptive.quantile(sorted: means, (1 - level) / 2),
                                  upper: Descriptive.quantile(sorted: means, (1 + level) / 2), level: level)
    }

    /// How a table footnote names the method.
    public static func description(level: Double, resamples: Int, seed: UInt64) -> String {
        "\(percent(level)) percentile bootstrap interval over questions (R = \(resamples) resamples, seed \(seed))"
    }
}

/// "95 %" for 0.95 (whole percentages without decimals).
func percent(_ x: Double) -> String {
    let p = x * 100
    return p == p.rounded() ? "\(Int(p)) %" : "\(p) %"
}
