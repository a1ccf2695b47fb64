import Foundation
import RaditData

/// One self-contained HTML page (inline CSS and SVG, no scripts, fonts or links to fetch)
/// with a run's or sweep's tables, plots, resolved configs and digests. The markup is
/// also well-formed XML (XHTML syntax), so XML tools read it.
public struct HTMLReport: Sendable {
    /// A figure: a caption and an SVG document from `LineChart`, `BarChart`, `Heatmap` or `Figure`.
    public struct Plot: Sendable {
        public var caption: String
        public var svg: String

        public init(caption: String, svg: String) {
            self.caption = caption
            self.svg = svg
        }
    }

    public var title: String
    /// Opening paragraphs (what was run, where, when).
    public var summary: [String]
    public var tables: [ResultTable]
    public var plots: [Plot]
    /// Resolved configs by name (run or cell), shown verbatim.
    public var configs: [(name: String, text: String)]
    /// Data, model and config digests, git commit, Radit version.
    public var digests: [(name: String, value: String)]

    /// Section ids, in page order.
    public static let sections = ["summary", "tables", "plots", "configs", "digests"]

    public init(title: String, summary: [String] = [], tables: [ResultTable] = [], plots: [Plot] = [],
                configs: [(name: String, text: String)] = [], digests: [(name: String, value: String)] = []) {
        self.title = title
        self.summary = summary
        self.tables = tables
        self.plots = plots
        self.configs = configs
        self.digests = digests
    }

    public func render() -> String {
        var h = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        h += "<meta charset=\"utf-8\"/>\n<title>\(xmlEscape(title))</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n"
        h += "<h1>\(xmlEscape(title))</h1>\n"
        h += "<nav>" + Self.sections.map { "<a href=\"#\($0)\">\($0)</a>" }.joined(separator: " · ") + "</nav>\n"
        h += "<section id=\"summary\">\n<h2>Summary</h2>\n"
        h += summary.isEmpty ? "<p>No summary.</p>\n" : summary.map { "<p>\(xmlEscape($0))</p>\n" }.joined()
        h += "</section>\n<section id=\"tables\">\n<h2>Tables</h2>\n"
        h += tables.isEmpty ? "<p>No tables.</p>\n" : tables.map(Self.table).joined()
        h += "</section>\n<section id=\"plots\">\n<h2>Plots</h2>\n"
        h += plots.isEmpty ? "<p>No plots.</p>\n" : plots.map {
            "<figure>\n\($0.svg)<figcaption>\(xmlEscape($0.caption))</figcaption>\n</figure>\n"
        }.joined()
        h += "</section>\n<section id=\"configs\">\n<h2>Resolved configs</h2>\n"
        h += configs.isEmpty ? "<p>No configs.</p>\n" : configs.map {
            "<details open=\"open\"><summary>\(xmlEscape($0.name))</summary>\n<pre>\(xmlEscape($0.text))</pre></details>\n"
        }.joined()
        h += "</section>\n<section id=\"digests\">\n<h2>Digests</h2>\n<table class=\"kv\">\n<tbody>\n"
        h += digests.map { "<tr><th>\(xmlEscape($0.name))</th><td><code>\(xmlEscape($0.value))</code></td></tr>\n" }.joined()
        h += "</tbody>\n</table>\n</section>\n</body>\n</html>\n"
        return h
    }

    public func write(to url: URL) throws {
        try AtomicFile.write(render(), to: url)
    }

    /// A result table as HTML: grouped headers, one cell per number, the notes in a footer.
    static func table(_ t: ResultTable) -> String {
        let width = t.stubHeaders.count + t.columns.count
        var h = "<table class=\"result\" data-layout=\"\(xmlEscape(t.layout))\">\n<caption>\(xmlEscape(t.title))</caption>\n<thead>\n"
        let groups = columnGroups(t.columns)
        if groups.contains(where: { $0.group != nil }) {
            h += "<tr>" + t.stubHeaders.map { _ in "<th></th>" }.joined()
            h += groups.map { "<th colspan=\"\($0.span)\">\(xmlEscape($0.group ?? ""))</th>" }.joined() + "</tr>\n"
        }
        h += "<tr>" + (t.stubHeaders + t.columns.map(\.header)).map { "<th>\(xmlEscape($0))</th>" }.joined() + "</tr>\n"
        h += "</thead>\n<tbody>\n"
        for row in t.rows {
            let base = row.key == t.baseline ? " class=\"baseline\"" : ""
            h += "<tr\(base)>" + row.labels.map { "<th>\(xmlEscape($0))</th>" }.joined()
            for cell in row.cells {
                guard let c = cell else { h += "<td>\(missingCell)</td>"; continue }
                let text = CellText(c, display: t.display)
                var s = "<span class=\"v\">\(xmlEscape(text.value))</span>"
                if !text.mark.isEmpty { s += "<sup>\(xmlEscape(text.mark))</sup>" }
                if let sd = text.standardDeviation { s += " <span class=\"sd\">± \(xmlEscape(sd))</span>" }
                if case let (lo, hi)? = text.interval { s += " <span class=\"ci\">[\(xmlEscape(lo)), \(xmlEscape(hi))]</span>" }
                if let g = text.gain { s += " <span class=\"gain\">(\(xmlEscape(g)))</span>" }
                let tip = c.comparison.map { " title=\"\($0.test.name): p = \($0.p), Holm p = \($0.adjustedP), n = \(c.n)\"" } ?? " title=\"n = \(c.n)\""
                h += "<td\(tip)>\(s)</td>"
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n"
        if !t.notes.isEmpty {
            h += "<tfoot><tr><td colspan=\"\(width)\">" + t.notes.map { xmlEscape($0) }.joined(separator: "<br/>") + "</td></tr></tfoot>\n"
        }
        return h + "</table>\n"
    }

    static let css = """
    body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
    h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
    nav a{color:#0072B2;text-decoration:none}
    table.result{border-collapse:collapse;margin:1em 0 2em;font-size:.92em}
    table.result caption{text-align:left;font-weight:bold;padding-bottom:.4em}
    table.result thead tr:first-child th{border-top:2px solid #222}
    table.result thead tr:last-child th{border-bottom:1px solid #222}
    table.result tbody tr:last-child th,table.result tbody tr:last-child td{border-bottom:2px solid #222}
    table.result th,table.result td{padding:.25em .7em;text-align:right;white-space:nowrap}
    table.result tbody th{text-align:left;font-weight:normal}
    table.result tr.baseline{background:#f3f6fa}
    table.result tfoot td{text-align:left;font-size:.85em;color:#444;white-space:normal}
    .ci,.sd,.gain{color:#666;font-size:.85em}
    figure{margin:1em 0 2em}figcaption{font-size:.9em;color:#444}
    pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}
    table.kv th{text-align:left;padding-right:1em;font-weight:normal}
    """
}
