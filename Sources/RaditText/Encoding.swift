/// The result of encoding one text: ids plus the masks a model consumes.
public struct Encoding: Sendable, Equatable {
    /// Token ids, `(T)`.
    public var ids: [Int]
    /// Segment ids (0 for a single sequence), `(T)`.
    public var typeIds: [Int]
    /// 1 for real tokens, 0 for padding, `(T)`.
    public var attentionMask: [Int]
    /// 1 for tokens the post-processor or padding added, `(T)`.
    public var specialTokensMask: [Int]

    public init(ids: [Int], typeIds: [Int], attentionMask: [Int], specialTokensMask: [Int]) {
        self.ids = ids
        self.typeIds = typeIds
        self.attentionMask = attentionMask
        self.specialTokensMask = specialTokensMask
    }

    public var count: Int { ids.count }
}

/// How long encodings may get: content is cut from the right so that, with the special
/// tokens the post-processor adds, at most `maxLength` tokens remain.
public struct Truncation: Sendable, Equatable {
    public var maxLength: Int
    public init(maxLength: Int) { self.maxLength = maxLength }
}

/// How encodings are padded on the right.
public struct Padding: Sendable, Equatable {
    public enum Length: Sendable, Equatable {
        /// Every encoding to exactly this many tokens (longer ones are left as they are).
        case fixed(Int)
        /// A batch to its longest member.
        case longest
    }
    public var length: Length
    public var padId: Int
    public var padTypeId: Int
    public init(length: Length, padId: Int, padTypeId: Int = 0) {
        self.length = length
        self.padId = padId
        self.padTypeId = padTypeId
    }
}
