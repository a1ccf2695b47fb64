import Foundation

/// A numeric axis: maps data to pixels, linear or log10, with "nice" ticks (Heckbert 1990:
/// steps of 1, 2 or 5 × 10^k) whose range covers the data.
public struct Axis: Sendable, Equatable {
    public enum Scale: Sendable, Equatable { case linear, log10 }

    public var scale: Scale
    /// Data range shown (after rounding out to ticks).
    public private(set) var low: Double
    public private(set) var high: Double
    public private(set) var ticks: [Double]

    /// An axis covering `values` (NaN ignored); `includeZero` for bars and rates.
    public init(covering values: [Double], scale: Scale = .linear, includeZero: Bool = false, targetTicks: Int = 5) {
        self.scale = scale
        var v = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        if includeZero && scale == .linear { v.append(0) }
        var lo = v.min() ?? 0, hi = v.max() ?? 1
        switch scale {
        case .linear:
            if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.1; hi += hi == 0 ? 1 : abs(hi) * 0.1 }
            let step = Self.niceStep((hi - lo) / Double(max(1, targetTicks - 1)))
            lo = (lo / step).rounded(.down) * step
            hi = (hi / step).rounded(.up) * step
            ticks = stride(from: lo, through: hi + step / 2, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
        case .log10:
            if v.isEmpty { lo = 1; hi = 10 }
            let a = log10(lo).rounded(.down), b = max(log10(hi).rounded(.up), a + 1)
            lo = pow(10, a)
            hi = pow(10, b)
            ticks = stride(from: a, through: b, by: 1).map { pow(10, $0) }
        }
        low = lo
        high = hi
    }

    /// Position of `x` in [0, 1] along the axis.
    public func fraction(_ x: Double) -> Double {
        switch scale {
        case .linear: return (x - low) / (high - low)
        case .log10: return (log10(max(x, .leastNormalMagnitude)) - log10(low)) / (log10(high) - log10(low))
        }
    }

    /// 1, 2 or 5 × 10^k nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let e = pow(10, log10(raw).rounded(.down))
        let f = raw / e
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e
    }

    /// A tick's label: integers without decimals, others with as few as the step needs.
    public func label(_ x: Double) -> String {
        if scale == .log10 { return x >= 1 && x < 1e15 ? String(Int(x.rounded())) : String(format: "%g", x) }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
        return CellText.number(x, max(0, Int((-log10(step)).rounded(.up))))
    }
}

/// Okabe–Ito colours (distinguishable with colour-vision deficiencies), cycled by series.
public enum Palette {
    public static let colors = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    public static func color(_ i: Int) -> String { colors[i % colors.count] }

    /// Sequential white → blue ramp for heatmaps, t in [0, 1].
    public static func sequential(_ t: Double) -> String {
        let t = min(1, max(0, t.isFinite ? t : 0))
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func c(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return String(format: "#%02X%02X%02X", c(from.0, to.0), c(from.1, to.1), c(from.2, to.2))
    }
}
