import RaditBase
import RaditTensor

/// Writes single-hop, bridge and comparison questions about generated entities. Every
/// choice for entity `i` comes from a generator keyed by (seed, i), and partners are
/// earlier entities, so questions about early entities survive a larger knowledge base.
struct QuestionGenerator {
    let config: SynthKBConfig
    let entities: [SynthEntity]
    let documents: [SynthDocument]

    /// Candidate questions about entity `e`, before splitting.
    func questions(about e: SynthEntity) -> [SynthQuestion] {
        var rng = RandomSource(seed: config.seed, key: "synthkb/questions/\(e.index)")
        var out: [SynthQuestion] = []
        let nSingle = min(config.singleHopPerEntity, e.facts.count)
        for j in rng.sample(nSingle, from: e.facts.count) {
            out.append(singleHop(e, e.facts[j], &rng))
        }
        var bridges = bridgeCandidates(e)
        rng.shuffle(&bridges)
        for (r, b, a) in bridges.prefix(config.bridgePerEntity) {
            out.append(bridge(e, via: r, to: entities[b], asking: a, &rng))
        }
        if rng.bernoulli(config.comparisonRate), let q = comparison(e, &rng) { out.append(q) }
        return out
    }

    // MARK: single-hop

    private func singleHop(_ e: SynthEntity, _ f: SynthFact, _ rng: inout RandomSource) -> SynthQuestion {
        let text = rng.pick(Self.askTemplates(f.attribute)).replacingOccurrences(of: "{n}", with: reference(e))
        return make(.singleHop, text, f, support: [(e.index, f.attribute)])
    }

    // MARK: bridge (A --relation--> B, ask an attribute of B without naming B)

    /// Attributes a bridge question may ask about an entity described by a relation.
    private static func bridgeAskable(_ kind: SynthEntityKind) -> [SynthAttribute] {
        switch kind {
        case .person: return [.birthYear, .birthplace, .occupation, .employer]
        case .organisation: return [.foundedYear, .headquarters, .industry, .founder, .employees]
        case .place: return [.population, .river]
        case .product: return []
        }
    }

    /// (relation, target index, asked attribute) where the answer is absent from A's
    /// document (so the question needs both documents) and present in B's.
    private func bridgeCandidates(_ a: SynthEntity) -> [(SynthAttribute, Int, SynthAttribute)] {
        let firstHopText = documents[a.index].text.lowercased()
        var out: [(SynthAttribute, Int, SynthAttribute)] = []
        for r in a.facts where r.target != nil {
            let b = entities[r.target!]
            let secondHopText = documents[b.index].text.lowercased()
            for asked in Self.bridgeAskable(b.kind) {
                guard let f = b.fact(asked) else { continue }
                let forms = Self.aliases(f).map { $0.lowercased() }
                if forms.contains(where: { firstHopText.contains($0) }) { continue }
                if !secondHopText.contains(f.value.lowercased()) { continue }
                out.append((r.attribute, b.index, asked))
            }
        }
        return out
    }

    private func bridge(_ a: SynthEntity, via r: SynthAttribute, to b: SynthEntity, asking asked: SynthAttribute,
                        _ rng: inout RandomSource) -> SynthQuestion {
        let description: String
        switch r {
        case .employer: description = "the organisation that employs \(reference(a))"
        case .birthplace: description = "the birthplace of \(reference(a))"
        case .headquarters: description = "the place where \(reference(a)) is headquartered"
        case .founder: description = "the founder of \(reference(a))"
        case .maker: description = "the maker of \(reference(a))"
        default: description = "the \(r.rawValue) of \(reference(a))"
        }
        let text = capitalised(rng.pick(Self.askTemplates(asked)).replacingOccurrences(of: "{n}", with: description))
        return make(.bridge, text, b.fact(asked)!, support: [(a.index, r), (b.index, asked)])
    }

    // MARK: comparison (yes/no)

    private func comparison(_ e: SynthEntity, _ rng: inout RandomSource) -> SynthQuestion? {
        let ordered: [SynthAttribute: String] = [
            .birthYear: "Was {a} born before {b}?", .foundedYear: "Was {a} founded before {b}?",
            .releaseYear: "Was {a} released before {b}?", .employees: "Does {a} employ more people than {b}?",
            .population: "Does {a} have a larger population than {b}?",
        ]
        let same: [SynthAttribute: String] = [
            .occupation: "Do {a} and {b} have the same occupation?",
            .birthplace: "Were {a} and {b} born in the same place?",
            .industry: "Do {a} and {b} operate in the same industry?",
            .river: "Do {a} and {b} lie on the same river?",
            .category: "Are {a} and {b} the same kind of product?",
            .maker: "Are {a} and {b} made by the same company?",
        ]
        let usable = e.facts.filter { ordered[$0.attribute] != nil || same[$0.attribute] != nil }
        guard !usable.isEmpty else { return nil }
        let f = rng.pick(usable)
        let earlier = entities[..<e.index].filter { $0.kind == e.kind && $0.fact(f.attribute) != nil }
        guard !earlier.isEmpty else { return nil }
        var partner = rng.pick(earlier)
        let yes: Bool
        let template: String
        if let t = ordered[f.attribute] {
            let x = f.number!, y = partner.fact(f.attribute)!.number!
            if x == y { return nil }
            yes = f.attribute == .employees || f.attribute == .population ? x > y : x < y
            template = t
        } else {
            // Half the time look for a partner sharing the value, so "yes" is not rare.
            let sharing = earlier.filter { $0.fact(f.attribute)!.value == f.value }
            if rng.bernoulli(0.5), !sharing.isEmpty { partner = rng.pick(sharing) }
            yes = partner.fact(f.attribute)!.value == f.value
            template = same[f.attribute]!
        }
        let text = capitalised(template.replacingOccurrences(of: "{a}", with: reference(e))
            .replacingOccurrences(of: "{b}", with: reference(partner)))
        let answer = yes ? "yes" : "no"
        return finish(.comparison, text, answer: answer, aliases: [answer],
                      support: [(e.index, f.attribute), (partner.index, f.attribute)])
    }

    // MARK: shared pieces

    private func reference(_ e: SynthEntity) -> String { e.kind == .product ? "the \(e.name)" : e.name }

    private func make(_ kind: SynthQuestionKind, _ text: String, _ f: SynthFact,
                      support: [(Int, SynthAttribute)]) -> SynthQuestion {
        finish(kind, text, answer: f.value, aliases: Self.aliases(f), support: support)
    }

    private func finish(_ kind: SynthQuestionKind, _ text: String, answer: String, aliases: [String],
                        support: [(Int, SynthAttribute)]) -> SynthQuestion {
        let supporting = support.map { (i, a) -> SynthSupport in
            let d = documents[i]
            let s = d.factSentence[a]!
            return SynthSupport(chunkID: d.id, sentenceIndex: s, sentence: d.sentences[s])
        }
        var gold: [String] = []
        for s in supporting where !gold.contains(s.chunkID) { gold.append(s.chunkID) }
        let id = "q" + SHA256.hex("synthkb|\(kind.rawValue)|\(text)|\(answer)").prefix(16)
        return SynthQuestion(id: id, kind: kind, text: text, answer: answer, aliases: aliases,
                             goldChunkIDs: gold, supporting: supporting, split: .train, visibility: nil)
    }

    /// The answer first, then other accepted forms.
    static func aliases(_ f: SynthFact) -> [String] {
        var out = [f.value]
        switch f.attribute {
        case .employees, .population: out.append(f.value.replacingOccurrences(of: ",", with: ""))
        case .river: out.append(String(f.value.dropLast(" River".count)))
        default: break
        }
        return out.filter { !$0.isEmpty }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    static func askTemplates(_ a: SynthAttribute) -> [String] {
        switch a {
        case .birthYear: return ["In what year was {n} born?", "When was {n} born?"]
        case .birthplace: return ["Where was {n} born?", "In which place was {n} born?"]
        case .occupation: return ["What is the occupation of {n}?", "What does {n} do for a living?"]
        case .employer: return ["Which organisation employs {n}?", "Who does {n} work for?"]
        case .foundedYear: return ["In what year was {n} founded?", "When was {n} founded?"]
        case .headquarters: return ["Where is {n} headquartered?", "In which place does {n} have its head office?"]
        case .industry: return ["In which industry does {n} operate?", "What industry is {n} active in?"]
        case .founder: return ["Who founded {n}?", "Who is the founder of {n}?"]
        case .employees: return ["How many people does {n} employ?", "How many employees does {n} have?"]
        case .population: return ["What is the population of {n}?", "How many people live in {n}?"]
        case .river: return ["Which river flows through {n}?", "On which river does {n} lie?"]
        case .releaseYear: return ["In what year was {n} released?", "When did {n} first go on sale?"]
        case .maker: return ["Which company makes {n}?", "Who manufactures {n}?"]
        case .category: return ["What kind of product is {n}?", "What type of product is {n}?"]
        }
    }
}
