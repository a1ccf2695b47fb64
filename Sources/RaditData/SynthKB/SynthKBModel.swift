/// The kinds of fictional entity SynthKB writes a document about.
public enum SynthEntityKind: String, Codable, CaseIterable, Sendable {
    case person, organisation, place, product
}

/// Every attribute an entity can carry; relations point at another entity.
public enum SynthAttribute: String, Codable, CaseIterable, Sendable {
    // person
    case birthYear = "birth_year", birthplace, occupation, employer
    // organisation
    case foundedYear = "founded_year", headquarters, industry, founder, employees
    // place
    case population, river
    // product
    case releaseYear = "release_year", maker, category

    /// The entity kind a relation points at; nil for literal attributes.
    public var targetKind: SynthEntityKind? {
        switch self {
        case .birthplace, .headquarters: return .place
        case .employer, .maker: return .organisation
        case .founder: return .person
        default: return nil
        }
    }
}

/// One fact about an entity. For relations `value` is the target's name.
public struct SynthFact: Codable, Equatable, Sendable {
    public var attribute: SynthAttribute
    public var value: String
    /// Index of the entity a relation points at.
    public var target: Int?
    /// A number behind the value (years, counts) for comparison questions.
    public var number: Int?
}

/// A fictional entity: a unique name and its facts.
public struct SynthEntity: Codable, Equatable, Sendable {
    public var index: Int
    public var kind: SynthEntityKind
    public var name: String
    /// Index of the earlier entity this one's name was derived from (a hard distractor).
    public var nearDuplicateOf: Int?
    public var facts: [SynthFact]
    /// Held out of train and dev questions, so test can ask about unseen documents.
    public var heldOut: Bool

    public func fact(_ a: SynthAttribute) -> SynthFact? { facts.first { $0.attribute == a } }
}

/// The document written about one entity; it is also its single chunk.
public struct SynthDocument: Codable, Equatable, Sendable {
    /// Chunk id, `e` + zero-padded entity index.
    public var id: String
    public var title: String
    /// HotpotQA-style sentences: all but the first start with a space, so `joined()` is the text.
    public var sentences: [String]
    /// For each fact attribute, the index of the sentence that states it.
    public var factSentence: [SynthAttribute: Int]

    public var text: String { sentences.joined() }
}

/// Single-hop, bridge (two documents, HotpotQA-style) or comparison (yes/no).
public enum SynthQuestionKind: String, Codable, CaseIterable, Sendable {
    case singleHop = "single-hop", bridge, comparison
}

/// Which split a question belongs to.
public enum SynthSplit: String, Codable, CaseIterable, Sendable {
    case train, dev, test
}

/// Whether a dev/test question's gold documents were gold for some training question.
public enum SynthVisibility: String, Codable, Sendable {
    /// Every gold document is gold for a training question.
    case seen
    /// No gold document is gold for a training question.
    case unseen
    /// Some are, some are not.
    case mixed
}

/// A sentence that supports the answer, located in its chunk.
public struct SynthSupport: Codable, Equatable, Sendable {
    public var chunkID: String
    public var sentenceIndex: Int
    public var sentence: String
}

/// A question with its answer, aliases, gold chunks and supporting sentences.
public struct SynthQuestion: Codable, Equatable, Sendable {
    /// Content hash of the question text and answer.
    public var id: String
    public var kind: SynthQuestionKind
    public var text: String
    public var answer: String
    /// Other accepted strings (the answer itself included first).
    public var aliases: [String]
    /// Gold chunk ids; for bridge questions in hop order (first hop first).
    public var goldChunkIDs: [String]
    public var supporting: [SynthSupport]
    public var split: SynthSplit
    /// nil for training questions.
    public var visibility: SynthVisibility?
}

/// A generated knowledge base: entities, one document per entity, questions.
public struct SynthKB: Sendable {
    public var config: SynthKBConfig
    public var entities: [SynthEntity]
    public var documents: [SynthDocument]
    public var questions: [SynthQuestion]
}
