/// A matrix of values as coloured cells with the value written in each (RAFT Fig. 6:
/// train distractors × test top-k), and a colour bar as its legend.
public struct Heatmap: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// (rows, columns); nil cells are drawn grey.
    public var values: [[Double?]]
    /// Written value = value × scale, with `decimals`.
    public var scale: Double
    public var decimals: Int
    public var width: Double
    public var height: Double

    public init(title: String, xLabel: String, yLabel: String, rowLabels: [String], columnLabels: [String],
                values: [[Double?]], scale: Double = 100, decimals: Int = 1, width: Double = 640, height: Double = 420) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.scale = scale
        self.decimals = decimals
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        var d = SVGDocument(width: width, height: height)
        let frame = PlotFrame(width: width, height: height, legendWidth: 70)
        let finite = values.flatMap { $0.compactMap { $0 } }.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        func t(_ v: Double) -> Double { hi > lo ? (v - lo) / (hi - lo) : 0.5 }
        frame.drawTitle(title, into: &d)
        let cw = frame.area.w / Double(max(1, columnLabels.count)), ch = frame.area.h / Double(max(1, rowLabels.count))
        for (r, label) in rowLabels.enumerated() {
            let y0 = frame.area.y + ch * Double(r)
            d.text(label, frame.area.x - 7, y0 + ch / 2 + 4, size: 11, anchor: .end)
            for c in 0..<columnLabels.count {
                let x0 = frame.area.x + cw * Double(c)
                let v = r < values.count && c < values[r].count ? values[r][c] : nil
                if let v, v.isFinite {
                    d.rect(x0, y0, cw - 1, ch - 1, fill: Palette.sequential(t(v)), title: "\(label), \(columnLabels[c]): \(v)")
                    d.text(CellText.number(v * scale, decimals), x0 + cw / 2, y0 + ch / 2 + 4, size: 12, anchor: .middle,
                           fill: t(v) > 0.55 ? "#ffffff" : "#000000")
                } else {
                    d.rect(x0, y0, cw - 1, ch - 1, fill: "#dddddd")
                    d.text(missingCell, x0 + cw / 2, y0 + ch / 2 + 4, size: 12, anchor: .middle)
                }
            }
        }
        frame.drawX(categories: columnLabels, label: xLabel, into: &d)
        d.text(yLabel, 16, frame.area.y + frame.area.h / 2, size: 12, anchor: .middle, rotate: -90)
        // Colour bar: the legend of the value scale.
        let bx = frame.area.x + frame.area.w + 18, steps = 20
        d.text("legend", bx, frame.area.y - 6, size: 11, bold: true, fill: "#555555")
        for i in 0..<steps {
            let f = 1 - Double(i) / Double(steps)
            d.rect(bx, frame.area.y + frame.area.h * Double(i) / Double(steps), 14,
                   frame.area.h / Double(steps) + 0.5, fill: Palette.sequential(f))
        }
        d.text(CellText.number(hi * scale, decimals), bx + 18, frame.area.y + 10, size: 11)
        d.text(CellText.number(lo * scale, decimals), bx + 18, frame.area.y + frame.area.h, size: 11)
        return d.render()
    }
}
