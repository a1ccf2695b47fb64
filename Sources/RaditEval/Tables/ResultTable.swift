/// A paper-style results table: rows (configurations) × columns (dataset/metric pairs) of
/// cells, independent of where the numbers come from. Values are fractions (0.452); the
/// renderers show `value × display.scale`.
public struct ResultTable: Sendable, Equatable {
    public var title: String
    /// The layout it was built from (`raft-table1`, `radit-table6`, `grid`, `p-curve`, `recall`).
    public var layout: String
    /// Headers of the row-label columns, e.g. ["method"] or ["LM", "retriever"].
    public var stubHeaders: [String]
    public var columns: [TableColumn]
    public var rows: [TableRow]
    /// Key of the row that significance marks and gains compare against.
    public var baseline: String?
    /// Footnote lines: n, the interval method, the tests and their correction, digests.
    public var notes: [String]
    public var display: TableDisplay

    public init(title: String, layout: String, stubHeaders: [String], columns: [TableColumn], rows: [TableRow],
                baseline: String? = nil, notes: [String] = [], display: TableDisplay = TableDisplay()) {
        self.title = title
        self.layout = layout
        self.stubHeaders = stubHeaders
        self.columns = columns
        self.rows = rows
        self.baseline = baseline
        self.notes = notes
        self.display = display
    }

    /// The cell of row `row` and column `column` (keys), if computed.
    public func cell(_ row: String, _ column: String) -> TableCell? {
        guard let r = rows.first(where: { $0.key == row }),
              let c = columns.firstIndex(where: { $0.key == column }) else { return nil }
        return r.cells[c]
    }
}

/// One column: a metric on a dataset (or a test top-k, or a retrieval cut-off).
public struct TableColumn: Sendable, Equatable {
    /// Unique within the table, e.g. `synthkb/EM`.
    public var key: String
    public var header: String
    /// A spanning header over neighbouring columns (the dataset), or nil.
    public var group: String?
    /// The per-question metric the column's cells average (`RecordMetric` name).
    public var metric: String

    public init(key: String, header: String, group: String? = nil, metric: String) {
        self.key = key
        self.header = header
        self.group = group
        self.metric = metric
    }
}

/// One row: a configuration, with its labels under `stubHeaders` and one cell per column
/// (nil where that configuration was not run).
public struct TableRow: Sendable, Equatable {
    public var key: String
    public var labels: [String]
    public var cells: [TableCell?]

    public init(key: String, labels: [String], cells: [TableCell?]) {
        self.key = key
        self.labels = labels
        self.cells = cells
    }
}

/// One configuration's number with its uncertainty and its comparison to the baseline.
public struct TableCell: Sendable, Equatable {
    /// Mean over seeds of the mean over questions.
    public var value: Double
    /// Questions behind the value.
    public var n: Int
    public var seeds: Int
    /// Standard deviation over seeds (nil with one seed).
    public var standardDeviation: Double?
    public var interval: ConfidenceInterval?
    /// Against the baseline row in the same column (nil for the baseline itself).
    public var comparison: CellComparison?

    public init(value: Double, n: Int, seeds: Int = 1, standardDeviation: Double? = nil,
                interval: ConfidenceInterval? = nil, comparison: CellComparison? = nil) {
        self.value = value
        self.n = n
        self.seeds = seeds
        self.standardDeviation = standardDeviation
        self.interval = interval
        self.comparison = comparison
    }
}

/// A cell's paired comparison with the baseline row.
public struct CellComparison: Sendable, Equatable {
    /// The baseline row's key.
    public var baseline: String
    public var test: PairedTest
    public var p: Double
    /// Holm-adjusted over the table's comparisons.
    public var adjustedP: Double
    /// adjustedP < α.
    public var significant: Bool
    public var gain: Gain

    public init(baseline: String, test: PairedTest, p: Double, adjustedP: Double, significant: Bool, gain: Gain) {
        self.baseline = baseline
        self.test = test
        self.p = p
        self.adjustedP = adjustedP
        self.significant = significant
        self.gain = gain
    }
}

/// How numbers are shown (not what they are).
public struct TableDisplay: Sendable, Equatable {
    public enum Gains: String, Sendable, Equatable, CaseIterable {
        case none, absolute, relative, both
    }

    /// Displayed = value × scale (100: percentages).
    public var scale: Double
    public var decimals: Int
    public var showInterval: Bool
    public var showStandardDeviation: Bool
    public var gains: Gains
    /// The mark of a significant difference.
    public var mark: String

    public init(scale: Double = 100, decimals: Int = 1, showInterval: Bool = true,
                showStandardDeviation: Bool = true, gains: Gains = .none, mark: String = "†") {
        self.scale = scale
        self.decimals = decimals
        self.showInterval = showInterval
        self.showStandardDeviation = showStandardDeviation
        self.gains = gains
        self.mark = mark
    }
}
