/// A point of a series, with an optional error bar (an interval around y).
public struct PlotPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var lower: Double?
    public var upper: Double?

    public init(x: Double, y: Double, lower: Double? = nil, upper: Double? = nil) {
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
    }
}

public struct PlotSeries: Sendable, Equatable {
    public var name: String
    public var points: [PlotPoint]

    public init(name: String, points: [PlotPoint]) {
        self.name = name
        self.points = points
    }
}

/// Lines over a numeric x axis (training steps, top-k, P), with markers and, where points
/// carry intervals, error bars.
public struct LineChart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [PlotSeries]
    public var xScale: Axis.Scale
    /// Start the y axis at 0 (rates) rather than at the data.
    public var yIncludesZero: Bool
    public var width: Double
    public var height: Double

    public init(title: String, xLabel: String, yLabel: String, series: [PlotSeries], xScale: Axis.Scale = .linear,
                yIncludesZero: Bool = false, width: Double = 640, height: Double = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xScale = xScale
        self.yIncludesZero = yIncludesZero
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        var d = SVGDocument(width: width, height: height)
        draw(into: &d)
        return d.render()
    }

    /// Draws the chart at the document's current origin (one panel of a `Figure`).
    public func draw(into d: inout SVGDocument) {
        let frame = PlotFrame(width: width, height: height, legendWidth: PlotFrame.legendWidth(series.map(\.name)))
        let pts = series.flatMap(\.points)
        let xAxis = Axis(covering: pts.map(\.x), scale: xScale)
        let yAxis = Axis(covering: pts.flatMap { [$0.y, $0.lower ?? $0.y, $0.upper ?? $0.y] }, includeZero: yIncludesZero)
        frame.drawTitle(title, into: &d)
        frame.drawY(yAxis, label: yLabel, into: &d)
        frame.drawX(xAxis, label: xLabel, into: &d)
        // Error bars of neighbouring series are dodged a few pixels apart so they stay readable.
        let dodge = series.contains { $0.points.contains { $0.lower != nil } } ? 5.0 : 0
        for (i, s) in series.enumerated() {
            let color = Palette.color(i)
            let shift = dodge * (Double(i) - Double(series.count - 1) / 2)
            let xy = s.points.filter { $0.y.isFinite }.map { (frame.x(xAxis.fraction($0.x)) + shift, frame.y(yAxis.fraction($0.y))) }
            if xy.count > 1 { d.polyline(xy, stroke: color) }
            let markers = s.points.count <= 40
            for p in s.points where p.y.isFinite {
                let px = frame.x(xAxis.fraction(p.x)) + shift
                if let lo = p.lower, let hi = p.upper {
                    let y0 = frame.y(yAxis.fraction(lo)), y1 = frame.y(yAxis.fraction(hi))
                    d.line(px, y0, px, y1, stroke: color, width: 1.5)
                    d.line(px - 4, y0, px + 4, y0, stroke: color, width: 1.5)
                    d.line(px - 4, y1, px + 4, y1, stroke: color, width: 1.5)
                }
                if markers { d.circle(px, frame.y(yAxis.fraction(p.y)), 3, fill: color) }
            }
        }
        frame.drawLegend(series.map(\.name), into: &d)
    }
}

/// Several panels side by side in one SVG (e.g. the LM-ft and R-ft loss curves).
public struct Figure: Sendable {
    public var panels: [LineChart]

    public init(panels: [LineChart]) { self.panels = panels }

    public func svg() -> String {
        let w = panels.reduce(0) { $0 + $1.width }, h = panels.map(\.height).max() ?? 0
        var d = SVGDocument(width: w, height: h)
        var x = 0.0
        for p in panels {
            d.group(at: x, 0) { p.draw(into: &$0) }
            x += p.width
        }
        return d.render()
    }
}
