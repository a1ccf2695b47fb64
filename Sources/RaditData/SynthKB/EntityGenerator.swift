import RaditTensor

/// Draws SynthKB entities one at a time. Entity `i` depends only on (seed, i) and on the
/// entities before it (relations and near-duplicates point backwards), so a larger
/// `entities` knob extends a knowledge base without changing its first entities.
struct EntityGenerator {
    let config: SynthKBConfig
    private(set) var entities: [SynthEntity] = []
    private var byKind: [SynthEntityKind: [Int]] = [:]
    /// The name part near-duplicates share (surname, organisation root, place root, brand).
    private var roots: [String] = []
    private var usedNames: Set<String> = []
    /// A fixed pool of rivers, so that many places share one.
    private let rivers: [String]

    init(config: SynthKBConfig) {
        self.config = config
        var rng = RandomSource(seed: config.seed, key: "synthkb/rivers")
        var pool: [String] = []
        while pool.count < 24 {
            let r = SynthVocabulary.word(&rng, syllables: 2) + " River"
            if !pool.contains(r) { pool.append(r) }
        }
        rivers = pool
    }

    mutating func generateAll() -> [SynthEntity] {
        for i in 0..<config.entities { append(i) }
        return entities
    }

    private mutating func append(_ i: Int) {
        var rng = RandomSource(seed: config.seed, key: "synthkb/entity/\(i)")
        let kind: SynthEntityKind = i < 4
            ? [.place, .organisation, .person, .product][i]
            : [.person, .organisation, .place, .product][rng.categorical([0.35, 0.25, 0.2, 0.2])]
        let earlierSameKind = byKind[kind] ?? []
        var source: Int? = nil
        if !earlierSameKind.isEmpty && rng.bernoulli(config.nearDuplicateRate) {
            source = rng.pick(earlierSameKind)
        }
        var (name, root) = makeName(kind, nearDuplicateOf: source, &rng)
        var attempt = 0
        while usedNames.contains(name) {
            attempt += 1
            // A collision: fall back to a fresh name, longer after many tries.
            (name, root) = makeName(kind, nearDuplicateOf: attempt < 8 ? source : nil, &rng, extra: attempt / 16)
        }
        if attempt >= 8 { source = nil }
        usedNames.insert(name)
        var entity = SynthEntity(index: i, kind: kind, name: name, nearDuplicateOf: source, facts: [],
                                 heldOut: rng.bernoulli(config.heldOutFraction))
        entity.facts = makeFacts(kind, copyingFrom: source.map { entities[$0] }, &rng)
        entities.append(entity)
        roots.append(root)
        byKind[kind, default: []].append(i)
    }

    private func makeName(_ kind: SynthEntityKind, nearDuplicateOf source: Int?, _ rng: inout RandomSource,
                          extra: Int = 0) -> (name: String, root: String) {
        let sourceRoot = source.map { roots[$0] }
        switch kind {
        case .person:
            let first = SynthVocabulary.word(&rng, syllables: 2 + extra)
            let last = sourceRoot ?? SynthVocabulary.word(&rng, syllables: rng.int(in: 2...3) + extra)
            return ("\(first) \(last)", last)
        case .organisation:
            let root = sourceRoot ?? SynthVocabulary.word(&rng, syllables: rng.int(in: 2...3) + extra)
            return ("\(root) \(rng.pick(SynthVocabulary.organisationSuffixes))", root)
        case .place:
            let root = sourceRoot ?? SynthVocabulary.word(&rng, syllables: rng.int(in: 2...3) + extra)
            return (root + rng.pick(SynthVocabulary.placeSuffixes), root)
        case .product:
            let brand = sourceRoot ?? SynthVocabulary.word(&rng, syllables: 2 + extra)
            return ("\(brand) \(rng.pick(SynthVocabulary.productModels)) \(rng.int(in: 2...9))", brand)
        }
    }

    /// Literal values copy the near-duplicate's source with probability 0.3 (shared values).
    private func makeFacts(_ kind: SynthEntityKind, copyingFrom source: SynthEntity?,
                           _ rng: inout RandomSource) -> [SynthFact] {
        var facts: [SynthFact] = []
        func literal(_ a: SynthAttribute, _ fresh: (inout RandomSource) -> (String, Int?)) {
            if let s = source?.fact(a), rng.bernoulli(0.3) {
                facts.append(s)
            } else {
                let (v, n) = fresh(&rng)
                facts.append(SynthFact(attribute: a, value: v, target: nil, number: n))
            }
        }
        func year(_ r: ClosedRange<Int>) -> (inout RandomSource) -> (String, Int?) {
            { rng in let y = rng.int(in: r); return (String(y), y) }
        }
        func relation(_ a: SynthAttribute) {
            guard let candidates = byKind[a.targetKind!], !candidates.isEmpty else { return }
            let t = rng.pick(candidates)
            facts.append(SynthFact(attribute: a, value: entities[t].name, target: t, number: nil))
        }
        switch kind {
        case .person:
            literal(.birthYear, year(1920...1999))
            relation(.birthplace)
            literal(.occupation) { rng in (rng.pick(SynthVocabulary.occupations), nil) }
            relation(.employer)
        case .organisation:
            literal(.foundedYear, year(1820...2015))
            relation(.headquarters)
            literal(.industry) { rng in (rng.pick(SynthVocabulary.industries), nil) }
            relation(.founder)
            literal(.employees) { rng in let n = rng.int(in: 12...48_000); return (SynthVocabulary.grouped(n), n) }
        case .place:
            literal(.population) { rng in let n = rng.int(in: 800...950_000); return (SynthVocabulary.grouped(n), n) }
            literal(.river) { [rivers] rng in (rng.pick(rivers), nil) }
        case .product:
            literal(.releaseYear, year(1950...2023))
            relation(.maker)
            literal(.category) { rng in (rng.pick(SynthVocabulary.categories), nil) }
        }
        return facts
    }
}
