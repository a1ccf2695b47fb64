/// A document placed in a training instance.
public struct InstanceDocument: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var text: String

    public init(_ c: Chunk) {
        id = c.id
        title = c.title
        text = c.text
    }
}

/// One RAFT training instance (Zhang et al. 2024, §3): a question, shuffled documents
/// holding the oracle chunk(s) with probability P, and a chain-of-thought answer.
/// P, n, the distractor source, the seed and the no-oracle target are recorded in every instance.
public struct RaftInstance: Codable, Equatable, Sendable {
    /// Content hash of (question, answer, gold, P, n, source, seed); keys the instance's generator.
    public var id: String
    public var questionID: String
    public var question: String
    public var answer: String
    public var goldIDs: [String]
    /// Documents in presentation order.
    public var documents: [InstanceDocument]
    public var oracleIncluded: Bool
    /// `##Reason: … ##begin_quote## … ##end_quote## … <ANSWER>: …`
    public var cotAnswer: String
    /// The user turn: `<DOCUMENT>…</DOCUMENT>` blocks, then the question.
    public var instruction: String
    /// P, the probability that an instance holds the oracle chunk(s).
    public var oracleShare: Double
    /// n, distractors beside the oracle; instances without it hold n + |gold| distractors.
    public var distractors: Int
    public var distractorSource: DistractorSourceKind
    public var seed: UInt64
    /// The target of instances without the oracle (`same_answer`: RAFT's; recorded in all).
    public var noOracleAnswer: RaftNoOracleAnswer

    enum CodingKeys: String, CodingKey {
        case id, question, answer, documents, instruction, seed, distractors
        case questionID = "question_id", goldIDs = "gold_ids", oracleIncluded = "oracle_included"
        case cotAnswer = "cot_answer", oracleShare = "p", distractorSource = "distractor_source"
        case noOracleAnswer = "no_oracle_answer"
    }
}
