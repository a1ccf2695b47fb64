import RaditBase

/// Size and difficulty knobs of a SynthKB; every field has a documented default that
/// generates in well under a second for 1,000 entities.
public struct SynthKBConfig: Codable, Equatable, Sendable {
    public var entities: Int
    public var seed: UInt64
    /// Share of entities whose name is derived from an earlier one of the same kind
    /// (same surname, same brand root): the hard distractors.
    public var nearDuplicateRate: Double
    /// Irrelevant sentences mixed into each document (inclusive range).
    public var distractingSentences: ClosedRange<Int>
    /// Single-hop and bridge questions asked per entity (at most).
    public var singleHopPerEntity: Int
    public var bridgePerEntity: Int
    /// Probability an entity gets a comparison question with an earlier entity.
    public var comparisonRate: Double
    /// Share of entities held out of train/dev questions (test asks about them: "unseen").
    public var heldOutFraction: Double
    /// Split shares of questions about the other entities (normalised).
    public var trainShare: Double
    public var devShare: Double
    public var testShare: Double
    /// Paragraphs per question in the HotpotQA-style files (gold + distractors).
    public var hotpotParagraphs: Int

    public init(entities: Int = 1000, seed: UInt64 = 0, nearDuplicateRate: Double = 0.45,
                distractingSentences: ClosedRange<Int> = 1...3, singleHopPerEntity: Int = 1,
                bridgePerEntity: Int = 1, comparisonRate: Double = 0.5, heldOutFraction: Double = 0.1,
                trainShare: Double = 0.7, devShare: Double = 0.1, testShare: Double = 0.2,
                hotpotParagraphs: Int = 10) {
        self.entities = entities
        self.seed = seed
        self.nearDuplicateRate = nearDuplicateRate
        self.distractingSentences = distractingSentences
        self.singleHopPerEntity = singleHopPerEntity
        self.bridgePerEntity = bridgePerEntity
        self.comparisonRate = comparisonRate
        self.heldOutFraction = heldOutFraction
        self.trainShare = trainShare
        self.devShare = devShare
        self.testShare = testShare
        self.hotpotParagraphs = hotpotParagraphs
    }

    /// Checks every knob; the message names the knob and its valid range.
    public func validate() throws {
        func bad(_ key: String, _ why: String) -> SynthKBError { .invalidConfig(key: key, reason: why) }
        if entities < 4 { throw bad("entities", "is \(entities); SynthKB needs at least 4 (one of each kind)") }
        for (k, v) in [("near_duplicate_rate", nearDuplicateRate), ("comparison_rate", comparisonRate),
                       ("held_out_fraction", heldOutFraction)] where !(0...1).contains(v) {
            throw bad(k, "is \(v); use a probability in [0, 1]")
        }
        if distractingSentences.lowerBound < 0 { throw bad("distracting_sentences", "must not be negative") }
        if singleHopPerEntity < 0 || bridgePerEntity < 0 { throw bad("single_hop_per_entity/bridge_per_entity", "must be ≥ 0") }
        let shares = [trainShare, devShare, testShare]
        if shares.contains(where: { $0 < 0 }) || shares.reduce(0, +) <= 0 {
            throw bad("train_share/dev_share/test_share", "must be ≥ 0 with a positive sum, got \(shares)")
        }
        if hotpotParagraphs < 2 { throw bad("hotpot_paragraphs", "is \(hotpotParagraphs); needs ≥ 2 (two gold paragraphs)") }
    }
}

/// What can go wrong generating or writing a SynthKB.
public enum SynthKBError: RaditError, Equatable {
    case invalidConfig(key: String, reason: String)

    public var message: String {
        switch self {
        case let .invalidConfig(key, reason): return "SynthKB config `\(key)` \(reason)."
        }
    }
}
