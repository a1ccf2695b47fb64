/// The formats a result table renders to.
public enum TableFormat: String, Sendable, CaseIterable {
    case markdown, latex, csv, html

    public func render(_ t: ResultTable) -> String {
        switch self {
        case .markdown: return MarkdownTable.render(t)
        case .latex: return LaTeXTable.render(t)
        case .csv: return CSVTable.render(t)
        case .html: return HTMLReport(title: t.title, tables: [t]).render()
        }
    }
}
