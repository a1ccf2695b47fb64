/// How a table's uncertainty is computed; every field is stated in the table's footnote.
public struct TableStatistics: Sendable, Equatable {
    /// Bootstrap resamples and randomization swaps.
    public var resamples: Int
    /// Interval coverage.
    public var level: Double
    /// Family-wise error rate of the Holm-corrected marks.
    public var alpha: Double
    public var seed: UInt64
    /// The test for graded metrics (F1, recall fraction, nDCG, MRR) and for several seeds.
    public var continuousTest: PairedTest

    public init(resamples: Int = 10_000, level: Double = 0.95, alpha: Double = 0.05, seed: UInt64 = 0,
                continuousTest: PairedTest = .randomization) {
        self.resamples = resamples
        self.level = level
        self.alpha = alpha
        self.seed = seed
        self.continuousTest = continuousTest
    }
}

/// Fills a layout with numbers: per cell the mean over seeds, its std over seeds and a
/// bootstrap interval over questions; per non-baseline cell a paired test against the
/// baseline row in the same column, Holm-corrected over the whole table, and the gains.
public enum TableBuilder {
    /// `scores(row, column)` gives a configuration's per-question scores for the column's
    /// metric under each seed, or nil where it was not run.
    public static func build(_ layout: TableLayout, statistics: TableStatistics, plans: inout ResamplingPlans,
                             scores: (TableLayout.Row, TableColumn) throws -> SeededScores?) throws -> ResultTable {
        guard plans.resamples == statistics.resamples, plans.seed == statistics.seed else {
            throw EvalError.statistics(what: "table \(layout.name)",
                                       detail: "resampling plans (R = \(plans.resamples), seed \(plans.seed)) differ from the statistics options")
        }
        var samples: [[SeededScores?]] = []
        var rows: [TableRow] = []
        for row in layout.rows {
            var line: [SeededScores?] = []
            var cells: [TableCell?] = []
            for column in layout.columns {
                let s = try scores(row, column)
                line.append(s)
                var cell: TableCell?
                if let s {
                    let c = try CellSummary(s, plans: &plans, level: statistics.level)
                    cell = TableCell(value: c.value, n: c.n, seeds: c.seeds, standardDeviation: c.standardDeviation,
                                     interval: c.interval)
                }
                cells.append(cell)
            }
            samples.append(line)
            rows.append(TableRow(key: row.key, labels: row.labels, cells: cells))
        }

        // Paired tests against the baseline row, then Holm over all of them.
        var tested: [(row: Int, column: Int, result: PairedTestResult)] = []
        if let base = layout.baseline {
            guard let b = layout.rows.firstIndex(where: { $0.key == base }) else {
                throw EvalError.statistics(what: "table \(layout.name)",
                                           detail: "baseline row '\(base)' is not one of \(layout.rows.map(\.key).joined(separator: ", "))")
            }
            for (r, row) in layout.rows.enumerated() where r != b {
                for (c, column) in layout.columns.enumerated() {
                    guard let x = samples[r][c], let y = samples[b][c] else { continue }
                    let metric = RecordMetric(name: column.metric) ?? .f1
                    let test = PairedTest.choose(for: metric, seeds: max(x.seeds.count, y.seeds.count),
                                                 continuous: statistics.continuousTest)
                    let (a, bValues) = metric.isJudge ? x.perQuestionMeans.common(with: y.perQuestionMeans)
                        : try x.perQuestionMeans.aligned(with: y.perQuestionMeans, what: "\(row.key) vs \(base), \(column.key)")
                    if a.isEmpty { continue }
                    tested.append((r, c, try PairedTests.run(test, a, bValues, plans: &plans)))
                }
            }
            let adjusted = Holm.adjust(tested.map(\.result.p))
            for (i, t) in tested.enumerated() {
                let baseValue = rows[b].cells[t.column]!.value
                let value = rows[t.row].cells[t.column]!.value
                rows[t.row].cells[t.column]!.comparison = CellComparison(
                    baseline: base, test: t.result.test, p: t.result.p, adjustedP: adjusted[i],
                    significant: adjusted[i] < statistics.alpha, gain: Gain(value: value, baseline: baseValue))
            }
        }
        var table = ResultTable(title: layout.title, layout: layout.name, stubHeaders: layout.stubHeaders,
                                columns: layout.columns, rows: rows, baseline: layout.baseline, display: layout.display)
        table.notes = notes(table, statistics: statistics, tests: Set(tested.map(\.result.test)), comparisons: tested.count)
        return table
    }

    /// The footnote: n, what a cell is, the interval method, the tests and the correction.
    static func notes(_ t: ResultTable, statistics s: TableStatistics, tests: Set<PairedTest>, comparisons: Int) -> [String] {
        let cells = t.rows.flatMap { $0.cells.compactMap { $0 } }
        var notes: [String] = []
        let ns = cells.map(\.n)
        if let lo = ns.min(), let hi = ns.max() {
            notes.append(lo == hi ? "n = \(lo) questions per cell."
                : "n = \(lo)–\(hi) questions per cell (a retrieval metric counts only questions with gold chunks or answers).")
        }
        let seeds = Set(cells.map(\.seeds))
        if seeds.count == 1, seeds.first == 1 {
            notes.append("Each cell is one training seed.")
        } else {
            let list = seeds.sorted().map(String.init).joined(separator: "/")
            notes.append("Each cell is the mean over \(list) training seeds ± the standard deviation over seeds; intervals and tests use each question's mean over seeds.")
        }
        notes.append("[lo, hi]: " + BootstrapInterval.description(level: s.level, resamples: s.resamples, seed: s.seed) + ".")
        if let base = t.baseline, comparisons > 0 {
            let label = t.rows.first { $0.key == base }?.labels.joined(separator: " / ") ?? base
            notes.append("\(t.display.mark): Holm-adjusted p < \(s.alpha) against \(label) over the table's \(comparisons) comparisons.")
            for test in PairedTest.allCases where tests.contains(test) {
                let used = test == .mcnemarExact ? "binary metrics (EM, R@k) from single runs" : "graded metrics and several seeds"
                notes.append("Test for \(used): " + test.footnote(resamples: s.resamples, seed: s.seed) + ".")
            }
            switch t.display.gains {
            case .none: break
            case .absolute: notes.append("Δ: gain over \(label) in points.")
            case .relative: notes.append("Δ: relative gain over \(label), as RA-DIT reports it.")
            case .both: notes.append("Δ: gain over \(label) in points and relative to it.")
            }
        }
        return notes
    }
}
