import RaditBase

/// Content-hash key of one scored pair: SHA-256 over (LM checkpoint identity, template
/// identity, x, y, c), each length-prefixed so no two field splits collide.
public struct ScoreKey: Sendable, Hashable, Comparable {
    public var hex: String
    public init(hex: String) { self.hex = hex }

    public init(checkpoint: String, template: String, question: String, answer: String, chunk: String) {
        var h = SHA256()
        for field in [checkpoint, template, question, answer, chunk] {
            h.update("\(field.utf8.count):")
            h.update(field)
        }
        hex = SHA256.hexString(h.finalize())
    }

    public static func < (a: ScoreKey, b: ScoreKey) -> Bool { a.hex < b.hex }
}

/// The LSR cache: `log p(y | c ∘ x)` by content key. Scores from any run, schedule or sweep
/// with the same checkpoint and template are reused; persistence is `ScoreCacheFile`.
public final class ScoreCache {
    public private(set) var entries: [ScoreKey: AnswerLogProb] = [:]
    /// Keys added since the cache was loaded or last saved.
    public private(set) var unsaved = 0
    /// With `countReuse()`: keys inserted since, and lookups answered by an older key (a
    /// score an earlier run of a sweep computed, so this run did not).
    private var recent: Set<ScoreKey>?
    public private(set) var reusedHits = 0

    public init(entries: [ScoreKey: AnswerLogProb] = [:]) { self.entries = entries }

    public var count: Int { entries.count }
    public subscript(key: ScoreKey) -> AnswerLogProb? { entries[key] }

    public func insert(_ value: AnswerLogProb, for key: ScoreKey) {
        if entries.updateValue(value, forKey: key) == nil {
            unsaved += 1
            recent?.insert(key)
        }
    }

    /// Starts counting lookups of entries present now (`reusedHits`), for a sweep's cells.
    public func countReuse() {
        recent = []
        reusedHits = 0
    }

    /// A lookup that counts reuse (see `countReuse`).
    public func lookup(_ key: ScoreKey) -> AnswerLogProb? {
        guard let v = entries[key] else { return nil }
        if let recent, !recent.contains(key) { reusedHits += 1 }
        return v
    }

    public func markSaved() { unsaved = 0 }
}

/// One (example, chunk) pair to score: the question, the answer y and the chunk text.
public struct ScoringRequest: Sendable, Equatable {
    public var question: String
    public var answer: String
    /// nil scores the closed-book prompt.
    public var chunk: String?
    public init(question: String, answer: String, chunk: String?) {
        self.question = question
        self.answer = answer
        self.chunk = chunk
    }
}

/// Counts of what a `CachedScorer` did, for logs and the warm-cache test.
public struct ScoringCounts: Sendable, Equatable {
    public var requested = 0
    public var hits = 0
    /// Pairs the LM actually scored.
    public var scored = 0
    public init() {}
}

/// The one primitive, cached: batched `logp(y | c ∘ x)` through a content-keyed cache; only
/// misses reach the LM, in one batch.
public final class CachedScorer {
    public let scorer: AnswerScorer
    public let template: PromptFormat
    public let cache: ScoreCache
    public private(set) var counts = ScoringCounts()

    public init(scorer: AnswerScorer, template: PromptFormat, cache: ScoreCache) {
        self.scorer = scorer
        self.template = template
        self.cache = cache
    }

    public func key(_ r: ScoringRequest) -> ScoreKey {
        // A closed-book pair is keyed with a chunk that no text can equal (a lone NUL prefix).
        ScoreKey(checkpoint: scorer.checkpointIdentity, template: template.identity,
                 question: r.question, answer: r.answer, chunk: r.chunk ?? "\u{0}closed-book")
    }

    /// Scores in request order; misses go to the LM in one `score` call.
    public func score(_ requests: [ScoringRequest]) throws -> [AnswerLogProb] {
        counts.requested += requests.count
        let keys = requests.map(key)
        var out = [AnswerLogProb?](repeating: nil, count: requests.count)
        var missIndex: [Int] = []
        var missFirst: [ScoreKey: Int] = [:]
        var pairs: [PromptAnswer] = []
        for (i, k) in keys.enumerated() {
            if let v = cache.lookup(k) {
                out[i] = v
                counts.hits += 1
            } else if missFirst[k] == nil {
                missFirst[k] = pairs.count
                missIndex.append(i)
                let r = requests[i]
                let prompt = r.chunk.map { template.prompt(question: r.question, chunk: $0) }
                    ?? template.closedBookPrompt(question: r.question)
                pairs.append(PromptAnswer(prompt: prompt, answer: template.completion(r.answer)))
            }
        }
        if !pairs.isEmpty {
            let scored = try scorer.score(pairs)
            precondition(scored.count == pairs.count, "AnswerScorer returned \(scored.count) scores for \(pairs.count) pairs")
            counts.scored += pairs.count
            for (j, i) in missIndex.enumerated() { cache.insert(scored[j], for: keys[i]) }
        }
        for i in requests.indices where out[i] == nil {
            out[i] = cache[keys[i]]
        }
        return out.map { $0! }
    }
}
