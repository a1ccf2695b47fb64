/// A question with its gold answers (aliases) and, when known, the ids of gold chunks.
public struct QAExample: Sendable, Equatable {
    public var id: String
    public var question: String
    public var answers: [String]
    public var goldChunks: [Int]
    public init(id: String, question: String, answers: [String], goldChunks: [Int] = []) {
        self.id = id
        self.question = question
        self.answers = answers
        self.goldChunks = goldChunks
    }
    /// The answer trained on and scored for LSR: the first alias.
    public var target: String { answers.first ?? "" }
}

/// The chunk texts the index was built from, addressed by the index's ids.
public struct ChunkTexts: Sendable {
    public var texts: [String]
    public init(_ texts: [String]) { self.texts = texts }
    public subscript(id: Int) -> String { texts[id] }
    public var count: Int { texts.count }
}
