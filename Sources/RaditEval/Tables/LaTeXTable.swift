/// LaTeX with booktabs rules (`\toprule`, `\cmidrule`, `\midrule`, `\bottomrule`; needs
/// `\usepackage{booktabs}`), every text escaped, the footnote in `\footnotesize` under the
/// tabular. Non-ASCII symbols in the text become math (δ → `$\delta$`), so pdflatex
/// compiles it without extra packages.
public enum LaTeXTable {
    public static func render(_ t: ResultTable) -> String {
        let stub = t.stubHeaders.count
        var out = "\\begin{table}[t]\n\\centering\n\\caption{\(escape(t.title))}\n"
        out += "\\begin{tabular}{" + String(repeating: "l", count: stub) + String(repeating: "r", count: t.columns.count) + "}\n"
        out += "\\toprule\n"
        let groups = columnGroups(t.columns)
        if groups.contains(where: { $0.group != nil }) {
            var cells = [String](repeating: "", count: stub)
            var rules: [String] = []
            var col = stub + 1
            for g in groups {
                if let name = g.group {
                    cells.append("\\multicolumn{\(g.span)}{c}{\(escape(name))}")
                    rules.append("\\cmidrule(lr){\(col)-\(col + g.span - 1)}")
                } else {
                    cells += [String](repeating: "", count: g.span)
                }
                col += g.span
            }
            out += cells.joined(separator: " & ") + " \\\\\n" + rules.joined(separator: " ") + "\n"
        }
        out += (t.stubHeaders + t.columns.map(\.header)).map(escape).joined(separator: " & ") + " \\\\\n"
        out += "\\midrule\n"
        for row in t.rows {
            let cells = row.cells.map { $0.map { cell(CellText($0, display: t.display)) } ?? "--" }
            out += (row.labels.map(escape) + cells).joined(separator: " & ") + " \\\\\n"
        }
        out += "\\bottomrule\n\\end{tabular}\n"
        if !t.notes.isEmpty {
            out += "\\par\\smallskip\n{\\footnotesize\n" + t.notes.map { escape($0) + "\\par\n" }.joined() + "}\n"
        }
        out += "\\end{table}\n"
        return out
    }

    static func cell(_ c: CellText) -> String {
        var s = escape(c.value) + (c.mark.isEmpty ? "" : escape(c.mark))
        if let sd = c.standardDeviation { s += "$\\,\\pm\\,$" + escape(sd) }
        if case let (lo, hi)? = c.interval { s += " {\\scriptsize [\(escape(lo)), \(escape(hi))]}" }
        if let g = c.gain { s += " {\\scriptsize (\(escape(g)))}" }
        return s
    }

    /// Text → LaTeX: the ten special characters escaped, the symbols Radit's notes use as math.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(ch)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            case "–": out += "--"
            case "—": out += "---"
            case "−": out += "$-$"
            case "…": out += "\\ldots{}"
            case "†": out += "$^{\\dagger}$"
            case "‡": out += "$^{\\ddagger}$"
            case "±": out += "$\\pm$"
            case "×": out += "$\\times$"
            case "·": out += "$\\cdot$"
            case "≥": out += "$\\geq$"
            case "≤": out += "$\\leq$"
            case "≠": out += "$\\neq$"
            case "≈": out += "$\\approx$"
            case "→": out += "$\\to$"
            case "½": out += "$\\frac{1}{2}$"
            case "α": out += "$\\alpha$"
            case "δ": out += "$\\delta$"
            case "Δ": out += "$\\Delta$"
            case "τ": out += "$\\tau$"
            default: out.append(ch)
            }
        }
        return out
    }
}
