/// GitHub-flavoured Markdown: a bold title, a pipe table (grouped columns as `group header`),
/// and the footnote lines below it.
public enum MarkdownTable {
    public static func render(_ t: ResultTable) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\n", with: " ")
        }
        var lines = ["**\(esc(t.title))**", ""]
        let headers = t.stubHeaders + t.columns.map { c in c.group.map { "\($0) \(c.header)" } ?? c.header }
        lines.append("| " + headers.map(esc).joined(separator: " | ") + " |")
        lines.append("|" + t.stubHeaders.map { _ in "---|" }.joined() + t.columns.map { _ in "---:|" }.joined())
        for row in t.rows {
            let cells = row.cells.map { $0.map { CellText($0, display: t.display).plain } ?? missingCell }
            lines.append("| " + (row.labels + cells).map(esc).joined(separator: " | ") + " |")
        }
        if !t.notes.isEmpty {
            lines.append("")
            lines += t.notes.map { "- " + esc($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
