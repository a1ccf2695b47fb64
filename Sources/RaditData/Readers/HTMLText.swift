/// The readable text of an HTML page: tags, comments, scripts and styles removed,
/// character references decoded, block elements (p, div, headings, list items, table
/// rows, …) kept as paragraph breaks (a blank line) and `<br>` as a line break; runs of
/// whitespace inside a paragraph collapse to one space. The title is `<title>`, else the
/// first `<h1>`.
struct HTMLText {
    var title: String?
    var text: String

    /// Elements whose content is not text a reader sees.
    static let hidden: Set<String> = ["script", "style", "noscript", "template", "svg", "iframe", "object"]
    /// Elements that start and end a block.
    static let blocks: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
        "thead", "tbody", "tfoot", "caption", "section", "article", "header", "footer", "nav", "aside",
        "main", "blockquote", "pre", "hr", "figure", "figcaption", "form", "fieldset", "address", "details",
        "summary", "body", "html", "title",
    ]

    init(html: String) {
        let b = Array(html.utf8)
        var paragraphs: [String] = []
        var current: [UInt8] = []
        var title: [UInt8]? = nil
        var inTitle = false
        var firstH1: [UInt8]? = nil
        var inH1 = false
        var i = 0

        func flush() {
            let p = HTMLText.collapse(HTMLText.decodeEntities(String(decoding: current, as: UTF8.self)))
            if !p.isEmpty { paragraphs.append(p) }
            current.removeAll(keepingCapacity: true)
        }

        while i < b.count {
            let c = b[i]
            guard c == UInt8(ascii: "<") else {
                // Source line breaks are spaces; only <br> and blocks break lines.
                let c = c == 0x0A || c == 0x0D || c == 0x09 ? 0x20 : c
                if inTitle { title?.append(c) } else {
                    current.append(c)
                    if inH1 { firstH1?.append(c) }
                }
                i += 1
                continue
            }
            // Comments, doctype, processing instructions, CDATA.
            if HTMLText.matches(b, i, "<!--") {
                i = HTMLText.find(b, "-->", from: i + 4).map { $0 + 3 } ?? b.count
                continue
            }
            if i + 1 < b.count && (b[i + 1] == UInt8(ascii: "!") || b[i + 1] == UInt8(ascii: "?")) {
                i = HTMLText.find(b, ">", from: i).map { $0 + 1 } ?? b.count
                continue
            }
            // A tag: `<name …>` or `</name>`; anything else is a literal '<'.
            var j = i + 1
            let closing = j < b.count && b[j] == UInt8(ascii: "/")
            if closing { j += 1 }
            let nameStart = j
            while j < b.count && HTMLText.isNameByte(b[j]) { j += 1 }
            guard j > nameStart else {
                current.append(c)
                i += 1
                continue
            }
            let name = String(decoding: b[nameStart..<j], as: UTF8.self).lowercased()
            let end = HTMLText.tagEnd(b, from: j)
            i = end
            if !closing && HTMLText.hidden.contains(name) {
                // Skip to the matching close tag; the content is never text.
                i = HTMLText.findClose(b, name, from: end) ?? b.count
                continue
            }
            if name == "title" {
                if !closing { inTitle = true; if title == nil { title = [] } } else { inTitle = false }
                continue
            }
            if name == "h1" {
                if !closing && firstH1 == nil { firstH1 = []; inH1 = true } else if closing { inH1 = false }
            }
            if name == "br" { current.append(0x0A); continue }
            if HTMLText.blocks.contains(name) { flush() } else if name == "td" || name == "th" { current.append(0x20) }
        }
        flush()
        func clean(_ bytes: [UInt8]?) -> String? {
            guard let bytes else { return nil }
            let s = HTMLText.collapse(HTMLText.decodeEntities(String(decoding: bytes, as: UTF8.self)))
            return s.isEmpty ? nil : s
        }
        self.title = clean(title) ?? clean(firstH1)
        self.text = paragraphs.joined(separator: "\n\n")
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-")
    }

    static func matches(_ b: [UInt8], _ i: Int, _ s: String) -> Bool {
        let p = Array(s.utf8)
        guard i + p.count <= b.count else { return false }
        for k in 0..<p.count where b[i + k] != p[k] { return false }
        return true
    }

    static func find(_ b: [UInt8], _ s: String, from: Int) -> Int? {
        var i = from
        while i < b.count {
            if matches(b, i, s) { return i }
            i += 1
        }
        return nil
    }

    /// The index after a tag's `>`, skipping quoted attribute values.
    static func tagEnd(_ b: [UInt8], from: Int) -> Int {
        var i = from
        var quote: UInt8? = nil
        while i < b.count {
            let c = b[i]
            if let q = quote { if c == q { quote = nil } } else if c == 0x22 || c == 0x27 { quote = c } else if c == UInt8(ascii: ">") { return i + 1 }
            i += 1
        }
        return b.count
    }

    /// The index after `</name …>` (ASCII case-insensitive), or nil.
    static func findClose(_ b: [UInt8], _ name: String, from: Int) -> Int? {
        let n = Array(name.utf8)
        var i = from
        while i + 2 + n.count <= b.count {
            if b[i] == UInt8(ascii: "<") && b[i + 1] == UInt8(ascii: "/") {
                var ok = true
                for k in 0..<n.count where (b[i + 2 + k] | 0x20) != n[k] { ok = false; break }
                if ok && (i + 2 + n.count == b.count || !isNameByte(b[i + 2 + n.count])) { return tagEnd(b, from: i + 2 + n.count) }
            }
            i += 1
        }
        return nil
    }

    /// Trims and collapses whitespace runs to one space, keeping single line breaks from `<br>`.
    static func collapse(_ s: String) -> String {
        var lines: [String] = []
        for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0.isWhitespace })
            if !words.isEmpty { lines.append(words.joined(separator: " ")) }
        }
        return lines.joined(separator: "\n")
    }

    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
        "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "laquo": "«", "raquo": "»", "copy": "©", "reg": "®", "trade": "™", "deg": "°", "middot": "·",
        "bull": "•", "times": "×", "divide": "÷", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢",
        "sect": "§", "para": "¶", "eacute": "é", "egrave": "è", "ecirc": "ê", "aacute": "á", "agrave": "à",
        "acirc": "â", "auml": "ä", "ouml": "ö", "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü",
        "szlig": "ß", "ccedil": "ç", "ntilde": "ñ", "oacute": "ó", "iacute": "í", "uacute": "ú",
        "Eacute": "É", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "mu": "μ", "pi": "π",
        "sigma": "σ", "le": "≤", "ge": "≥", "ne": "≠", "minus": "−", "plusmn": "±", "rarr": "→", "larr": "←",
        "shy": "\u{00AD}", "zwj": "\u{200D}", "zwnj": "\u{200C}", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}",
    ]

    /// Decodes `&name;`, `&#N;` and `&#xH;`; unknown references stay as written.
    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(32).firstIndex(of: ";") {
                let ref = after[..<semi]
                var decoded: String? = nil
                if ref.hasPrefix("#x") || ref.hasPrefix("#X") {
                    decoded = UInt32(ref.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if ref.hasPrefix("#") {
                    decoded = UInt32(ref.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else {
                    decoded = named[String(ref)]
                }
                if let decoded {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        out += rest
        return out
    }
}
