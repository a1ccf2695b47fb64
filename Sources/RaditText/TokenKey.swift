/// A vocabulary key compared byte for byte. Swift's `String ==` treats canonically
/// equivalent strings as equal ("é" and "e\u{301}", Hangul syllables and their jamo), but
/// tokenizer vocabularies are exact byte strings, so lookups must be too.
public struct TokenKey: Hashable, Sendable {
    public let string: String

    public init(_ string: String) { self.string = string }

    public static func == (a: TokenKey, b: TokenKey) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }

    public func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
