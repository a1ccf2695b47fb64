import Foundation
import RaditData
import RaditEval

/// `radit table`: a paper-style table filled from runs' per-example records (run folders,
/// sweep folders, retrieval benchmark files; `PaperTables`), or a table saved as CSV
/// rendered again; as Markdown, LaTeX, CSV or HTML, and for the layouts that have one,
/// its figure as SVG.
public struct TableRendering {
    public enum Source {
        /// A table saved by Radit (`CSVTable`); nothing is recomputed.
        case csv(URL)
        /// Runs, sweeps or bench files, one layout, an optional baseline row.
        case runs([URL], layout: String, baseline: String?)
    }

    public var source: Source
    public var format: String
    public var output: URL?
    public var svg: URL?
    public var statistics = TableStatistics()

    public init(csv: URL, format: String, output: URL? = nil, svg: URL? = nil) {
        self.init(source: .csv(csv), format: format, output: output, svg: svg)
    }

    public init(source: Source, format: String, output: URL? = nil, svg: URL? = nil) {
        self.source = source
        self.format = format
        self.output = output
        self.svg = svg
    }

    /// The formats `format` may name (`md` is short for markdown).
    public static var formats: [String] { TableFormat.allCases.map(\.rawValue) }

    public static func format(named name: String) throws -> TableFormat {
        if name == "md" { return .markdown }
        guard let f = TableFormat(rawValue: name) else { throw TableRenderingError.unknownFormat(name) }
        return f
    }

    /// The table, from the CSV or computed from the runs.
    public func table() throws -> ResultTable {
        switch source {
        case .csv(let url):
            return try CSVTable.read(url)
        case let .runs(paths, layout, baseline):
            guard TableLayout.names.contains(layout) else { throw AnalysisError.unknownLayout(layout) }
            return try PaperTables(try RunCollection(paths: paths), statistics: statistics).table(layout, baseline: baseline)
        }
    }

    /// Renders; returns the text when there is no `output`, and writes files atomically.
    public func run() throws -> String? {
        let f = try Self.format(named: format)
        let table = try table()
        let text = f.render(table)
        if let svg {
            guard let figure = PaperPlots.svg(for: table) else { throw TableRenderingError.noFigure(layout: table.layout) }
            try AtomicFile.write(figure, to: svg)
        }
        if let output {
            try AtomicFile.write(text, to: output)
            return nil
        }
        return text
    }
}

/// `radit report`: the HTML page of runs or sweeps, written atomically.
public struct ReportWriting {
    public var paths: [URL]
    public var output: URL
    public var statistics = TableStatistics()

    public init(paths: [URL], output: URL) {
        self.paths = paths
        self.output = output
    }

    /// `<run or sweep folder>/report.html` for one folder.
    public static func defaultOutput(for path: URL) -> URL {
        path.appendingPathComponent("report.html")
    }

    /// Writes the page; returns it.
    @discardableResult
    public func run() throws -> HTMLReport {
        let report = RunReport(try RunCollection(paths: paths), statistics: statistics).build()
        try report.write(to: output)
        return report
    }
}

/// Why a table cannot be rendered as asked.
public enum TableRenderingError: Error, CustomStringConvertible {
    case unknownFormat(String)
    case noFigure(layout: String)

    public var description: String {
        switch self {
        case .unknownFormat(let f):
            return "--format \(f) is not one of \(TableRendering.formats.joined(separator: ", ")) (or md)"
        case .noFigure(let layout):
            return "layout '\(layout)' has no figure; --svg draws grid, p-curve and recall tables"
        }
    }
}
