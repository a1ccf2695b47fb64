/// A configuration's gain over the baseline: absolute in the metric's units and relative
/// to the baseline (RA-DIT reports relative gains); relative is nil when the baseline is 0.
public struct Gain: Sendable, Equatable {
    public var absolute: Double
    public var relative: Double?

    public init(value: Double, baseline: Double) {
        absolute = value - baseline
        relative = baseline != 0 ? (value - baseline) / abs(baseline) : nil
    }

    public init(absolute: Double, relative: Double?) {
        self.absolute = absolute
        self.relative = relative
    }
}
