/// Structural checks of generated LaTeX, ignoring escaped characters (`\{`, `\&`).
public enum LaTeXCheck {
    /// Open minus closed braces; -1 as soon as a `}` closes nothing.
    public static func braceBalance(_ s: String) -> Int {
        var depth = 0, escaped = false
        for ch in s {
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "{" { depth += 1 }
            if ch == "}" { depth -= 1; if depth < 0 { return -1 } }
        }
        return depth
    }

    /// Column separators `&` (not `\&`) in a line.
    public static func unescapedAmpersands(_ s: String) -> Int {
        var n = 0, escaped = false
        for ch in s {
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "&" { n += 1 }
        }
        return n
    }
}
