/// The parts every chart shares: title, plotting area, axes with ticks and labels, legend.
/// Coordinates are pixels of one panel; charts draw their marks inside `area`.
struct PlotFrame {
    let width: Double
    let height: Double
    /// Plotting area: x, y (top), w, h.
    let area: (x: Double, y: Double, w: Double, h: Double)

    init(width: Double, height: Double, legendWidth: Double) {
        self.width = width
        self.height = height
        area = (64, 40, width - 64 - 16 - legendWidth, height - 40 - 56)
    }

    func x(_ f: Double) -> Double { area.x + f * area.w }
    func y(_ f: Double) -> Double { area.y + (1 - f) * area.h }

    func drawTitle(_ title: String, into d: inout SVGDocument) {
        d.text(title, width / 2, 24, size: 15, anchor: .middle, bold: true)
    }

    /// Y axis with horizontal grid lines at its ticks and a rotated label.
    func drawY(_ axis: Axis, label: String, into d: inout SVGDocument) {
        for t in axis.ticks {
            let py = y(axis.fraction(t))
            d.line(area.x, py, area.x + area.w, py, stroke: "#e5e5e5")
            d.line(area.x - 4, py, area.x, py)
            d.text(axis.label(t), area.x - 7, py + 4, size: 11, anchor: .end)
        }
        d.line(area.x, area.y, area.x, area.y + area.h)
        d.text(label, 16, area.y + area.h / 2, size: 12, anchor: .middle, rotate: -90)
    }

    /// Numeric x axis with tick marks and a label.
    func drawX(_ axis: Axis, label: String, into d: inout SVGDocument) {
        for t in axis.ticks {
            let px = x(axis.fraction(t))
            d.line(px, area.y + area.h, px, area.y + area.h + 4)
            d.text(axis.label(t), px, area.y + area.h + 18, size: 11, anchor: .middle)
        }
        drawXLine(label: label, into: &d)
    }

    /// Categorical x axis: labels centred under equal slots.
    func drawX(categories: [String], label: String, into d: inout SVGDocument) {
        let slot = area.w / Double(max(1, categories.count))
        for (i, c) in categories.enumerated() {
            d.text(c, area.x + slot * (Double(i) + 0.5), area.y + area.h + 18, size: 11, anchor: .middle)
        }
        drawXLine(label: label, into: &d)
    }

    private func drawXLine(label: String, into d: inout SVGDocument) {
        d.line(area.x, area.y + area.h, area.x + area.w, area.y + area.h)
        d.text(label, area.x + area.w / 2, height - 14, size: 12, anchor: .middle)
    }

    /// Legend to the right of the plotting area: a colour swatch and the name per series.
    func drawLegend(_ names: [String], into d: inout SVGDocument) {
        guard !names.isEmpty else { return }
        let x0 = area.x + area.w + 14
        d.text("legend", x0, area.y + 4, size: 11, bold: true, fill: "#555555")
        for (i, name) in names.enumerated() {
            let yy = area.y + 22 + Double(i) * 18
            d.rect(x0, yy - 9, 14, 10, fill: Palette.color(i))
            d.text(name, x0 + 20, yy, size: 11)
        }
    }

    /// Width the legend needs for these names (≈ 6.5 px per character at 11 px).
    static func legendWidth(_ names: [String]) -> Double {
        names.isEmpty ? 0 : 40 + 6.5 * Double(names.map(\.count).max() ?? 0)
    }
}
