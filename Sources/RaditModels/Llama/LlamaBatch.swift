/// Which side of a short sequence padding goes. Results never depend on it: positions
/// count from each sequence's first real token and padded keys are masked.
public enum PaddingSide: String, Sendable, Codable {
    case left, right
}

/// Token sequences laid out as one padded (B, T) batch for the model.
///
/// - `tokens (B, T)`: ids, padding slots hold 0 (any valid id; they are masked).
/// - `positions (B, T)`: RoPE position of each slot, 0 at a sequence's first real token.
/// - `keyMask (B, T)`: 1 for real tokens, 0 for padding.
/// - `targets (B, T)`: the token slot t must predict (the sequence's next token) where
///   that next token is scored (an answer token), else −1 (prompt, padding, last token).
public struct LlamaBatch: Sendable, Equatable {
    public let batch: Int      // B
    public let length: Int     // T
    public var tokens: [Int32]
    public var positions: [Int32]
    public var keyMask: [UInt8]
    public var targets: [Int32]
    /// Slot of each sequence's first real token (0 with right padding).
    public let starts: [Int]
    /// Real tokens per sequence.
    public let lengths: [Int]

    /// Packs `sequences` padded to the longest; tokens at index ≥ `scoredFrom[b]` of
    /// sequence b are targets (pass the prompt length to score the answer only; omit to
    /// score nothing).
    public init(sequences: [[Int]], scoredFrom: [Int]? = nil, padding: PaddingSide = .right,
                length: Int? = nil) throws {
        let B = sequences.count
        let T = max(length ?? 0, sequences.map(\.count).max() ?? 0)
        batch = B
        self.length = T
        tokens = [Int32](repeating: 0, count: B * T)
        positions = [Int32](repeating: 0, count: B * T)
        keyMask = [UInt8](repeating: 0, count: B * T)
        targets = [Int32](repeating: -1, count: B * T)
        var starts: [Int] = []
        for (b, seq) in sequences.enumerated() {
            guard !seq.isEmpty else { throw LlamaError.emptySequence(index: b) }
            let start = padding == .right ? 0 : T - seq.count
            starts.append(start)
            let from = scoredFrom?[b] ?? seq.count
            for (i, id) in seq.enumerated() {
                let s = b * T + start + i
                tokens[s] = Int32(id)
                positions[s] = Int32(i)
                keyMask[s] = 1
                if i + 1 < seq.count && i + 1 >= from { targets[s] = Int32(seq[i + 1]) }
            }
        }
        self.starts = starts
        lengths = sequences.map(\.count)
    }

    /// Number of scored tokens.
    public var targetCount: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}
