/// The unit a chunk length is measured in.
public enum ChunkUnit: String, Sendable, Equatable {
    /// Extended grapheme clusters (Swift `Character`s).
    case characters
    /// Tokens of a tokenizer, counted by the chunker's `tokenCount` closure.
    case tokens
}

/// A chunk length with its unit, so "512" never travels without saying what it counts.
public struct ChunkLength: Sendable, Equatable {
    public var count: Int
    public var unit: ChunkUnit

    public init(_ count: Int, _ unit: ChunkUnit) {
        self.count = count
        self.unit = unit
    }

    public static func characters(_ n: Int) -> ChunkLength { ChunkLength(n, .characters) }
    public static func tokens(_ n: Int) -> ChunkLength { ChunkLength(n, .tokens) }
}

/// Errors in a chunker's settings.
public enum ChunkerError: Error, Equatable, CustomStringConvertible {
    case nonPositiveSize(Int)
    case overlapTooLarge(overlap: Int, size: Int)
    case missingTokenCounter

    public var description: String {
        switch self {
        case let .nonPositiveSize(n): return "chunk size must be > 0, got \(n)"
        case let .overlapTooLarge(o, s): return "chunk overlap \(o) must be ≥ 0 and smaller than the size \(s)"
        case .missingTokenCounter: return "a chunk size in tokens needs a tokenCount closure (pass the tokenizer's count)"
        }
    }
}

/// Splits long documents into chunks of at most `size`, respecting paragraph boundaries:
/// whole paragraphs (separated by blank lines) are packed together while they fit; a
/// paragraph longer than `size` is cut at whitespace into windows that share `overlap`
/// units with the previous window. Chunks are slices of the original text (inner
/// whitespace kept), so offsets stay meaningful. In token mode a word's cost is
/// `tokenCount(word)`, which is exact for tokenizers that pre-split on whitespace
/// (WordPiece) and close for byte-level BPE.
public struct Chunker: Sendable {
    public let size: ChunkLength
    /// Overlap between consecutive windows of one long paragraph, in `size.unit`.
    public let overlap: Int
    private let tokenCount: (@Sendable (Substring) -> Int)?

    public init(size: ChunkLength, overlap: Int = 0,
                tokenCount: (@Sendable (Substring) -> Int)? = nil) throws(ChunkerError) {
        guard size.count > 0 else { throw .nonPositiveSize(size.count) }
        guard overlap >= 0 && overlap < size.count else { throw .overlapTooLarge(overlap: overlap, size: size.count) }
        if size.unit == .tokens && tokenCount == nil { throw .missingTokenCounter }
        self.size = size
        self.overlap = overlap
        self.tokenCount = tokenCount
    }

    /// Length of a piece of text in this chunker's unit.
    public func length(_ s: Substring) -> Int {
        switch size.unit {
        case .characters: return s.count
        case .tokens: return tokenCount!(s)
        }
    }

    /// The chunks of `text`, in order; empty for blank text.
    public func chunks(_ text: String) -> [Substring] {
        var out: [Substring] = []
        var packStart: String.Index? = nil
        var packEnd = text.startIndex
        func flush() {
            if let s = packStart { out.append(text[s..<packEnd]) }
            packStart = nil
        }
        for p in paragraphs(text) {
            let n = length(text[p])
            if n > size.count {
                flush()
                out.append(contentsOf: windows(text, p))
                continue
            }
            // Two paragraphs joined keep their blank-line separator, which costs its length.
            let joined = packStart.map { length(text[$0..<p.upperBound]) } ?? n
            if packStart != nil && joined > size.count { flush() }
            if packStart == nil { packStart = p.lowerBound }
            packEnd = p.upperBound
        }
        flush()
        return out
    }

    /// Ranges of paragraphs: maximal runs of lines without a blank line, trimmed.
    func paragraphs(_ text: String) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        var start: String.Index? = nil
        var lastNonSpace = text.startIndex
        var newlines = 0
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c.isNewline {
                newlines += 1
                if newlines >= 2, let s = start {
                    out.append(s..<text.index(after: lastNonSpace))
                    start = nil
                }
            } else if !c.isWhitespace {
                if start == nil { start = i }
                lastNonSpace = i
                newlines = 0
            }
            i = text.index(after: i)
        }
        if let s = start { out.append(s..<text.index(after: lastNonSpace)) }
        return out
    }

    /// Windows over one long paragraph, cut at whitespace, with overlap.
    func windows(_ text: String, _ paragraph: Range<String.Index>) -> [Substring] {
        // Word ranges inside the paragraph.
        var words: [Range<String.Index>] = []
        var i = paragraph.lowerBound
        while i < paragraph.upperBound {
            while i < paragraph.upperBound && text[i].isWhitespace { i = text.index(after: i) }
            let s = i
            while i < paragraph.upperBound && !text[i].isWhitespace { i = text.index(after: i) }
            if s < i { words.append(s..<i) }
        }
        var out: [Substring] = []
        var first = 0
        while first < words.count {
            // Grow the window while it fits (at least one word).
            var last = first
            while last + 1 < words.count && length(text[words[first].lowerBound..<words[last + 1].upperBound]) <= size.count {
                last += 1
            }
            let window = text[words[first].lowerBound..<words[last].upperBound]
            if length(window) > size.count && size.unit == .characters {
                // A single word longer than the size: cut it by characters.
                var s = window.startIndex
                while s < window.endIndex {
                    let e = window.index(s, offsetBy: size.count, limitedBy: window.endIndex) ?? window.endIndex
                    out.append(window[s..<e])
                    s = e
                }
            } else {
                out.append(window)
            }
            if last == words.count - 1 { break }
            // Step back over at most `overlap` units, always moving forward by one word.
            var next = last + 1
            while next - 1 > first && overlap > 0
                    && length(text[words[next - 1].lowerBound..<words[last].upperBound]) <= overlap {
                next -= 1
            }
            first = next
        }
        return out
    }
}

extension Chunker {
    /// A chunker whose size and overlap count tokens of `tokenizer` (without special tokens).
    public init(tokens size: Int, overlap: Int = 0, tokenizer: Tokenizer) throws(ChunkerError) {
        try self.init(size: .tokens(size), overlap: overlap, tokenCount: { tokenizer.tokenize(String($0)).count })
    }

    /// A chunker whose size and overlap count characters (extended grapheme clusters).
    public init(characters size: Int, overlap: Int = 0) throws(ChunkerError) {
        try self.init(size: .characters(size), overlap: overlap)
    }
}
