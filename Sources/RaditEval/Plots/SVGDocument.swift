/// A standalone SVG 1.1 document written as text: every attribute and text node escaped,
/// coordinates in pixels with two decimals. No fonts or files are referenced.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var parts: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The document (`<svg xmlns=…>…</svg>`, no XML declaration, so it can be inlined in HTML).
    public func render() -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
        s += "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
        s += parts.joined(separator: "\n")
        return s + "\n</svg>\n"
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                              stroke: String = "#000000", width: Double = 1, dash: String? = nil) {
        var a = "x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(attr(stroke))\" stroke-width=\"\(n(width))\""
        if let d = dash { a += " stroke-dasharray=\"\(attr(d))\"" }
        parts.append("<line \(a)/>")
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double,
                              fill: String, stroke: String? = nil, title: String? = nil) {
        var a = "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, w)))\" height=\"\(n(max(0, h)))\" fill=\"\(attr(fill))\""
        if let s = stroke { a += " stroke=\"\(attr(s))\"" }
        if let t = title {
            parts.append("<rect \(a)><title>\(text(t))</title></rect>")
        } else {
            parts.append("<rect \(a)/>")
        }
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        let p = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        parts.append("<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(attr(stroke))\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\"/>")
    }

    public mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, fill: String) {
        parts.append("<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" fill=\"\(attr(fill))\"/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    /// Text at (x, y) (baseline), optionally rotated about that point (degrees).
    public mutating func text(_ s: String, _ x: Double, _ y: Double, size: Double = 12, anchor: Anchor = .start,
                              bold: Bool = false, rotate: Double? = nil, fill: String = "#000000") {
        var a = "x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(attr(fill))\""
        if bold { a += " font-weight=\"bold\"" }
        if let r = rotate { a += " transform=\"rotate(\(n(r)) \(n(x)) \(n(y)))\"" }
        parts.append("<text \(a)>\(text(s))</text>")
    }

    /// Draws `body` into a group translated to (x, y).
    public mutating func group(at x: Double, _ y: Double, _ body: (inout SVGDocument) -> Void) {
        parts.append("<g transform=\"translate(\(n(x)) \(n(y)))\">")
        body(&self)
        parts.append("</g>")
    }

    func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : "\(r)"
    }

    func attr(_ s: String) -> String { xmlEscape(s) }
    func text(_ s: String) -> String { xmlEscape(s) }
}

/// Escapes the five XML special characters and drops control characters XML 1.0 forbids.
public func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n", "\r": out.unicodeScalars.append(u)
        default:
            if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
            out.unicodeScalars.append(u)
        }
    }
    return out
}
