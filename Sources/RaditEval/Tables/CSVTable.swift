import Foundation
import RaditData

/// A table as tidy CSV: `#` comment lines carry the title, layout, baseline, display and
/// footnote; then one line per (row, column) with every number at full precision, so
/// `parse(render(t)) == t`. pandas reads it with `pd.read_csv(path, comment="#")`.
public enum CSVTable {
    public static let formatLine = "# radit-table v1"

    static let fixedFields = ["column", "header", "group", "metric", "value", "n", "seeds", "std",
                              "ci_lower", "ci_upper", "ci_level", "baseline", "test", "p", "p_holm",
                              "significant", "gain_abs", "gain_rel"]

    public static func render(_ t: ResultTable) -> String {
        func oneLine(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: " ") }
        var out = formatLine + "\n"
        out += "# title: \(oneLine(t.title))\n# layout: \(oneLine(t.layout))\n# baseline: \(oneLine(t.baseline ?? ""))\n"
        let d = t.display
        out += "# display: scale=\(d.scale) decimals=\(d.decimals) interval=\(d.showInterval) std=\(d.showStandardDeviation) gains=\(d.gains.rawValue) mark=\(oneLine(d.mark))\n"
        for n in t.notes { out += "# note: \(oneLine(n))\n" }
        out += line(["row"] + t.stubHeaders.map { "label:" + $0 } + fixedFields)
        for row in t.rows {
            for (column, cell) in zip(t.columns, row.cells) {
                var f = [row.key] + row.labels + [column.key, column.header, column.group ?? "", column.metric]
                if let c = cell {
                    let k = c.comparison
                    f += [num(c.value), "\(c.n)", "\(c.seeds)", num(c.standardDeviation),
                          num(c.interval?.lower), num(c.interval?.upper), num(c.interval?.level),
                          k?.baseline ?? "", k?.test.rawValue ?? "", num(k?.p), num(k?.adjustedP),
                          k.map { "\($0.significant)" } ?? "", num(k?.gain.absolute), num(k?.gain.relative)]
                } else {
                    f += [String](repeating: "", count: fixedFields.count - 4)
                }
                out += line(f)
            }
        }
        return out
    }

    public static func write(_ t: ResultTable, to url: URL) throws {
        try AtomicFile.write(render(t), to: url)
    }

    public static func read(_ url: URL) throws -> ResultTable {
        try parse(try readText(url), source: url.path)
    }

    public static func parse(_ text: String, source: String) throws(EvalError) -> ResultTable {
        var meta: [String: String] = [:]
        var notes: [String] = []
        var body = ""
        var bodyStart = 0
        var lineNo = 0
        var sawFormat = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            guard raw.hasPrefix("#") else {
                body += raw + "\n"
                if bodyStart == 0 { bodyStart = lineNo }
                continue
            }
            if raw == formatLine { sawFormat = true; continue }
            guard let colon = raw.firstIndex(of: ":") else { continue }
            let key = raw[raw.index(after: raw.startIndex)..<colon].trimmingCharacters(in: .whitespaces)
            let value = String(raw[raw.index(after: colon)...].dropFirst())
            if key == "note" { notes.append(value) } else { meta[key] = value }
        }
        guard sawFormat else {
            throw .badLine(source: source, line: 1, detail: "missing '\(formatLine)'; this is not a table written by Radit")
        }
        let records = try parseRecords(body, source: source, firstLine: bodyStart)
        guard let header = records.first?.fields, header.first == "row", header.suffix(fixedFields.count) == fixedFields[...] else {
            throw .badLine(source: source, line: bodyStart, detail: "header must be row, label:…, \(fixedFields.joined(separator: ", "))")
        }
        let stubHeaders = header.dropFirst().dropLast(fixedFields.count).map { String($0.dropFirst("label:".count)) }
        let stub = stubHeaders.count
        var columns: [TableColumn] = []
        var rows: [TableRow] = []
        for (fields, line) in records.dropFirst().map({ ($0.fields, $0.line) }) where !(fields.count == 1 && fields[0].isEmpty) {
            guard fields.count == header.count else {
                throw .badLine(source: source, line: line, detail: "\(fields.count) fields, the header has \(header.count)")
            }
            let f = Fields(values: Array(fields[(1 + stub)...]), source: source, line: line)
            let column = TableColumn(key: f.string(0), header: f.string(1), group: f.optionalString(2), metric: f.string(3))
            if !columns.contains(where: { $0.key == column.key }) { columns.append(column) }
            if rows.last?.key != fields[0] {
                if rows.contains(where: { $0.key == fields[0] }) {
                    throw .badLine(source: source, line: line, detail: "row '\(fields[0])' is split; keep a row's lines together")
                }
                rows.append(TableRow(key: fields[0], labels: Array(fields[1..<(1 + stub)]), cells: []))
            }
            var cell: TableCell?
            if let value = try f.double(4) {
                var c = TableCell(value: value, n: try f.int(5), seeds: try f.int(6), standardDeviation: try f.double(7))
                if let lo = try f.double(8), let hi = try f.double(9), let level = try f.double(10) {
                    c.interval = ConfidenceInterval(lower: lo, upper: hi, level: level)
                }
                if let base = f.optionalString(11) {
                    guard let test = PairedTest(rawValue: f.string(12)) else {
                        throw .badLine(source: source, line: line, detail: "unknown test '\(f.string(12))'")
                    }
                    c.comparison = CellComparison(baseline: base, test: test, p: try f.required(13), adjustedP: try f.required(14),
                                                  significant: f.string(15) == "true",
                                                  gain: Gain(absolute: try f.required(16), relative: try f.double(17)))
                }
                cell = c
            }
            rows[rows.count - 1].cells.append(cell)
        }
        for r in rows where r.cells.count != columns.count {
            throw .badLine(source: source, line: bodyStart, detail: "row '\(r.key)' has \(r.cells.count) cells, the table \(columns.count) columns")
        }
        let display = try parseDisplay(meta["display"] ?? "", source: source)
        let baseline = meta["baseline"].flatMap { $0.isEmpty ? nil : $0 }
        return ResultTable(title: meta["title"] ?? "", layout: meta["layout"] ?? "", stubHeaders: stubHeaders,
                           columns: columns, rows: rows, baseline: baseline, notes: notes, display: display)
    }

    static func parseDisplay(_ s: String, source: String) throws(EvalError) -> TableDisplay {
        var d = TableDisplay()
        for part in s.split(separator: " ") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "scale": d.scale = Double(kv[1]) ?? d.scale
            case "decimals": d.decimals = Int(kv[1]) ?? d.decimals
            case "interval": d.showInterval = kv[1] == "true"
            case "std": d.showStandardDeviation = kv[1] == "true"
            case "gains": d.gains = TableDisplay.Gains(rawValue: kv[1]) ?? d.gains
            case "mark": d.mark = kv[1]
            default: break
            }
        }
        return d
    }

    static func num(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }

    /// RFC 4180: quote a field holding a comma, quote or line break; double its quotes.
    static func line(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",") + "\n"
    }

    /// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
    static func parseRecords(_ text: String, source: String, firstLine: Int) throws(EvalError) -> [(fields: [String], line: Int)] {
        var records: [(fields: [String], line: Int)] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = firstLine, recordLine = firstLine
        var chars = Array(text)[...]
        while let ch = chars.popFirst() {
            if quoted {
                if ch == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    if ch == "\n" { line += 1 }
                    field.append(ch)
                }
                continue
            }
            switch ch {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case ",":
                fields.append(field); field = ""; wasQuoted = false
            case "\n":
                fields.append(field); field = ""; wasQuoted = false
                records.append((fields, recordLine))
                fields = []
                line += 1
                recordLine = line
            case "\r":
                continue
            default:
                field.append(ch)
            }
        }
        if quoted { throw .badLine(source: source, line: recordLine, detail: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append((fields, recordLine)) }
        return records
    }

    /// Typed access to one CSV line's cell fields, with errors naming line and field.
    struct Fields {
        var values: [String]
        let source: String
        let line: Int

        func string(_ i: Int) -> String { values[i] }
        func optionalString(_ i: Int) -> String? { values[i].isEmpty ? nil : values[i] }

        func double(_ i: Int) throws(EvalError) -> Double? {
            if values[i].isEmpty { return nil }
            guard let x = Double(values[i]) else {
                throw .badLine(source: source, line: line, detail: "field \(CSVTable.fixedFields[i]) '\(values[i])' is not a number")
            }
            return x
        }

        func required(_ i: Int) throws(EvalError) -> Double {
            guard let x = try double(i) else {
                throw .badLine(source: source, line: line, detail: "field \(CSVTable.fixedFields[i]) is empty")
            }
            return x
        }

        func int(_ i: Int) throws(EvalError) -> Int {
            guard let x = Int(values[i]) else {
                throw .badLine(source: source, line: line, detail: "field \(CSVTable.fixedFields[i]) '\(values[i])' is not an integer")
            }
            return x
        }
    }
}
