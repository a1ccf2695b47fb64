import Foundation
import RaditData
import RaditEval

/// `radit table --from-csv`: a saved result table rendered again (Markdown, LaTeX, CSV,
/// HTML) and, for the layouts that have one, its figure as SVG; nothing is re-run.
public struct TableRendering {
    public var csv: URL
    public var format: String
    public var output: URL?
    public var svg: URL?

    public init(csv: URL, format: String, output: URL? = nil, svg: URL? = nil) {
        self.csv = csv
        self.format = format
        self.output = output
        self.svg = svg
    }

    /// The formats `format` may name.
    public static var formats: [String] { TableFormat.allCases.map(\.rawValue) }

    /// Renders; returns the text when there is no `output`, and writes files atomically.
    public func run() throws -> String? {
        guard let f = TableFormat(rawValue: format) else { throw TableRenderingError.unknownFormat(format) }
        let table = try CSVTable.read(csv)
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

/// Why a table cannot be rendered as asked.
public enum TableRenderingError: Error, CustomStringConvertible {
    case unknownFormat(String)
    case noFigure(layout: String)

    public var description: String {
        switch self {
        case .unknownFormat(let f):
            return "--format \(f) is not one of \(TableRendering.formats.joined(separator: ", "))"
        case .noFigure(let layout):
            return "layout '\(layout)' has no figure; --svg draws grid, p-curve and recall tables"
        }
    }
}
