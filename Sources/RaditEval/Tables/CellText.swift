import Foundation

/// A cell's displayed pieces as plain text; each renderer escapes and arranges them.
struct CellText {
    var value: String
    /// "*" when significant, else "".
    var mark: String
    /// "1.3" (the ± is the renderer's), or nil.
    var standardDeviation: String?
    /// ("41.0", "49.3"), or nil.
    var interval: (String, String)?
    /// "+3.1", "+7.4 %" or "+3.1, +7.4 %", or nil.
    var gain: String?

    init(_ cell: TableCell, display d: TableDisplay) {
        value = Self.number(cell.value * d.scale, d.decimals)
        mark = cell.comparison?.significant == true ? d.mark : ""
        standardDeviation = d.showStandardDeviation ? cell.standardDeviation.map { Self.number($0 * d.scale, d.decimals) } : nil
        interval = d.showInterval ? cell.interval.map { (Self.number($0.lower * d.scale, d.decimals), Self.number($0.upper * d.scale, d.decimals)) } : nil
        gain = nil
        if let g = cell.comparison?.gain {
            let abs = Self.signed(g.absolute * d.scale, d.decimals)
            let rel = g.relative.map { Self.signed($0 * 100, d.decimals) + " %" } ?? "n/a"
            switch d.gains {
            case .none: gain = nil
            case .absolute: gain = abs
            case .relative: gain = rel
            case .both: gain = abs + ", " + rel
            }
        }
    }

    /// Fixed decimals; never "-0.0".
    static func number(_ x: Double, _ decimals: Int) -> String {
        if x.isNaN { return "–" }
        let s = String(format: "%.\(decimals)f", x)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    static func signed(_ x: Double, _ decimals: Int) -> String {
        let s = number(x, decimals)
        return s.hasPrefix("-") || s == "–" ? s : "+" + s
    }

    /// The whole cell on one line: `45.2* ± 1.3 [41.0, 49.3] (+7.4 %)`.
    var plain: String {
        var s = value + mark
        if let sd = standardDeviation { s += " ± " + sd }
        if case let (lo, hi)? = interval { s += " [\(lo), \(hi)]" }
        if let g = gain { s += " (\(g))" }
        return s
    }
}

/// What an empty cell shows.
let missingCell = "–"

/// Header rows over the columns: the groups (nil where a column has none), then the headers.
func columnGroups(_ columns: [TableColumn]) -> [(group: String?, span: Int)] {
    var groups: [(String?, Int)] = []
    for c in columns {
        if let last = groups.last, last.0 == c.group, c.group != nil {
            groups[groups.count - 1].1 += 1
        } else {
            groups.append((c.group, 1))
        }
    }
    return groups
}
