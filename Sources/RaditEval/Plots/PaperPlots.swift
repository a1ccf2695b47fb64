/// The papers' figures drawn from result tables and metric series.
public enum PaperPlots {
    /// Training loss of both stages, one panel each (their scales differ): LM-ft answer
    /// NLL and the R-ft KL(p_LM ‖ p_R), by optimiser step.
    public static func lossCurves(lm: [(step: Int, loss: Double)], retriever: [(step: Int, loss: Double)]) -> Figure {
        func panel(_ title: String, _ y: String, _ name: String, _ s: [(step: Int, loss: Double)]) -> LineChart {
            LineChart(title: title, xLabel: "step", yLabel: y,
                      series: [PlotSeries(name: name, points: s.map { PlotPoint(x: Double($0.step), y: $0.loss) })],
                      width: 520, height: 360)
        }
        return Figure(panels: [panel("LM-ft training loss", "answer NLL (nats/token)", "LM-ft", lm),
                               panel("R-ft training loss", "KL(p_LM ‖ p_R)", "R-ft", retriever)])
    }

    /// Recall@k per retriever from a `recall` table: x = k of its `R@k` columns (log scale),
    /// one line per row, bootstrap intervals as error bars.
    public static func recallAtK(_ t: ResultTable, family: String = "R") -> LineChart {
        let cols = t.columns.enumerated().compactMap { i, c -> (Int, Double)? in
            let parts = c.metric.split(separator: "@")
            guard parts.count == 2, parts[0] == family, let k = Double(parts[1]) else { return nil }
            return (i, k)
        }
        let series = t.rows.map { row in
            PlotSeries(name: row.labels.joined(separator: " / "), points: cols.compactMap { i, k in
                row.cells[i].map { PlotPoint(x: k, y: $0.value * t.display.scale,
                                             lower: $0.interval.map { $0.lower * t.display.scale },
                                             upper: $0.interval.map { $0.upper * t.display.scale }) }
            })
        }
        return LineChart(title: "\(family)@k by retriever", xLabel: "k (retrieved chunks)", yLabel: "\(family)@k (%)",
                         series: series, xScale: .log10, yIncludesZero: true)
    }

    /// Every column of a `recall` table as grouped bars, one bar per retriever.
    public static func recallBars(_ t: ResultTable) -> BarChart {
        BarChart(title: t.title, xLabel: "metric", yLabel: "value (%)", categories: t.columns.map(\.header),
                 series: t.rows.map { row in
                     BarChart.Series(name: row.labels.joined(separator: " / "),
                                     values: row.cells.map { $0.map { $0.value * t.display.scale } },
                                     lower: row.cells.map { $0?.interval.map { $0.lower * t.display.scale } },
                                     upper: row.cells.map { $0?.interval.map { $0.upper * t.display.scale } })
                 })
    }

    /// A `grid` table (train distractors × test top-k) as a heatmap.
    public static func heatmap(_ t: ResultTable) -> Heatmap {
        Heatmap(title: t.title, xLabel: "test top-k", yLabel: t.stubHeaders.first ?? "",
                rowLabels: t.rows.map { $0.labels.joined(separator: " / ") }, columnLabels: t.columns.map(\.header),
                values: t.rows.map { $0.cells.map { $0?.value } }, scale: t.display.scale, decimals: t.display.decimals)
    }

    /// A `p-curve` table's columns as lines over P with interval error bars (RAFT Fig. 5).
    public static func pCurve(_ t: ResultTable) -> LineChart {
        let ps = t.rows.map { Double($0.labels.first ?? "") ?? .nan }
        let series = t.columns.enumerated().map { i, c in
            PlotSeries(name: c.group.map { "\($0) \(c.header)" } ?? c.header, points: zip(ps, t.rows).compactMap { p, row in
                row.cells[i].map { PlotPoint(x: p, y: $0.value * t.display.scale,
                                             lower: $0.interval.map { $0.lower * t.display.scale },
                                             upper: $0.interval.map { $0.upper * t.display.scale }) }
            })
        }
        return LineChart(title: "Oracle share P in training", xLabel: "P (share of training instances with the oracle)",
                         yLabel: "score (%)", series: series)
    }

    /// The figure that goes with a table's layout (grid → heatmap, p-curve → P curve,
    /// recall → recall@k lines, or bars without R@k columns); nil for the paper tables.
    public static func svg(for t: ResultTable) -> String? {
        switch t.layout {
        case "grid": return heatmap(t).svg()
        case "p-curve": return pCurve(t).svg()
        case "recall":
            let lines = recallAtK(t)
            return lines.series.contains { $0.points.count > 1 } ? lines.svg() : recallBars(t).svg()
        default: return nil
        }
    }
}
