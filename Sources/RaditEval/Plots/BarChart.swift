/// Grouped bars: one group per category (e.g. recall@k cut-offs), one bar per series
/// (e.g. retrievers), with optional error bars.
public struct BarChart: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// One value per category; nil leaves a gap.
        public var values: [Double?]
        public var lower: [Double?]
        public var upper: [Double?]

        public init(name: String, values: [Double?], lower: [Double?] = [], upper: [Double?] = []) {
            self.name = name
            self.values = values
            self.lower = lower
            self.upper = upper
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var series: [Series]
    public var width: Double
    public var height: Double

    public init(title: String, xLabel: String, yLabel: String, categories: [String], series: [Series],
                width: Double = 640, height: Double = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        var d = SVGDocument(width: width, height: height)
        let frame = PlotFrame(width: width, height: height, legendWidth: PlotFrame.legendWidth(series.map(\.name)))
        let all = series.flatMap { $0.values.compactMap { $0 } + $0.upper.compactMap { $0 } }
        let yAxis = Axis(covering: all, includeZero: true)
        frame.drawTitle(title, into: &d)
        frame.drawY(yAxis, label: yLabel, into: &d)
        frame.drawX(categories: categories, label: xLabel, into: &d)
        let slot = frame.area.w / Double(max(1, categories.count))
        let barWidth = slot * 0.8 / Double(max(1, series.count))
        let zero = frame.y(yAxis.fraction(0))
        for (si, s) in series.enumerated() {
            for (ci, v) in s.values.enumerated() where ci < categories.count {
                guard let v, v.isFinite else { continue }
                let x0 = frame.area.x + slot * Double(ci) + slot * 0.1 + barWidth * Double(si)
                let top = frame.y(yAxis.fraction(v))
                d.rect(x0, min(top, zero), barWidth - 1, abs(zero - top), fill: Palette.color(si),
                       title: "\(s.name), \(categories[ci]): \(v)")
                if ci < s.lower.count, ci < s.upper.count, let lo = s.lower[ci], let hi = s.upper[ci] {
                    let cx = x0 + (barWidth - 1) / 2
                    let y0 = frame.y(yAxis.fraction(lo)), y1 = frame.y(yAxis.fraction(hi))
                    d.line(cx, y0, cx, y1, stroke: "#333333", width: 1.2)
                    d.line(cx - 3, y0, cx + 3, y0, stroke: "#333333", width: 1.2)
                    d.line(cx - 3, y1, cx + 3, y1, stroke: "#333333", width: 1.2)
                }
            }
        }
        frame.drawLegend(series.map(\.name), into: &d)
        return d.render()
    }
}
