import RaditTensor

/// Writes one document per entity: an introduction, then the facts (each in one of three
/// phrasings, referring to the entity by name or by a short reference) shuffled together
/// with irrelevant distracting sentences, some of which name a near-duplicate entity.
struct DocumentWriter {
    let config: SynthKBConfig
    let entities: [SynthEntity]

    static func chunkID(_ index: Int) -> String {
        "e" + String(repeating: "0", count: max(0, 6 - String(index).count)) + String(index)
    }

    func document(_ e: SynthEntity) -> SynthDocument {
        var rng = RandomSource(seed: config.seed, key: "synthkb/document/\(e.index)")
        let name = e.kind == .product ? "the \(e.name)" : e.name
        let placeKind = rng.pick(SynthVocabulary.placeKinds)
        let shortRefs: [String]
        switch e.kind {
        case .person: shortRefs = [String(e.name.split(separator: " ").last!)]
        case .organisation: shortRefs = ["the organisation", "the company"]
        case .place: shortRefs = ["the \(placeKind)"]
        case .product: shortRefs = ["the product", "the device"]
        }
        func subject(_ rng: inout RandomSource) -> String { rng.bernoulli(0.35) ? name : rng.pick(shortRefs) }

        let intro: String
        switch e.kind {
        case .person: intro = rng.pick(["\(name) is a person listed in the regional registry.",
                                        "\(name) appears in several local chronicles."])
        case .organisation: intro = rng.pick(["\(name) is an organisation listed in the trade register.",
                                              "\(name) is a company with a long paper trail."])
        case .place: intro = rng.pick(["\(name) is a \(placeKind).", "\(name) is a small \(placeKind) in the northern provinces."])
        case .product: intro = rng.pick(["\(capitalised(name)) is a product line.",
                                         "\(capitalised(name)) is sold through specialist shops."])
        }

        // (text, attribute stated or nil for a distracting sentence)
        var body: [(String, SynthAttribute?)] = []
        for f in e.facts {
            let templates = Self.templates(f.attribute)
            let t = rng.pick(templates)
            // The category sentence always names the product: "the product is a kettle" reads oddly.
            let s = f.attribute == .category ? name : subject(&rng)
            let article = indefiniteArticle(f.value)
            let sentence = t.replacingOccurrences(of: "{s}", with: s)
                .replacingOccurrences(of: "{a}", with: article)
                .replacingOccurrences(of: "{v}", with: f.value)
            body.append((capitalised(sentence), f.attribute))
        }
        // Other entities named here are earlier ones, so a larger knowledge base keeps this document.
        let pool = e.index == 0 ? Self.distracting.filter { !$0.contains("{o}") } : Self.distracting
        let nDistract = min(rng.int(in: config.distractingSentences), pool.count)
        for t in rng.sample(nDistract, from: pool.count).map({ pool[$0] }) {
            var other = ""
            if let src = e.nearDuplicateOf, rng.bernoulli(0.6) {
                other = entities[src].name
            } else if e.index > 0 {
                other = entities[rng.int(below: e.index)].name
            }
            let sentence = t.replacingOccurrences(of: "{s}", with: subject(&rng))
                .replacingOccurrences(of: "{o}", with: other)
                .replacingOccurrences(of: "{y}", with: String(rng.int(in: 1850...2020)))
            body.append((capitalised(sentence), nil))
        }
        rng.shuffle(&body)

        var sentences = [intro]
        var factSentence: [SynthAttribute: Int] = [:]
        for (text, attribute) in body {
            if let a = attribute { factSentence[a] = sentences.count }
            sentences.append(" " + text)
        }
        return SynthDocument(id: Self.chunkID(e.index), title: e.name, sentences: sentences, factSentence: factSentence)
    }

    static func templates(_ a: SynthAttribute) -> [String] {
        switch a {
        case .birthYear: return ["{s} was born in {v}.", "Records give {v} as the year {s} was born.",
                                 "{s}, born in {v}, grew up far from any city archive."]
        case .birthplace: return ["{s} was born in {v}.", "The birthplace of {s} is {v}.",
                                  "{s} spent a childhood in {v}, the place of birth."]
        case .occupation: return ["{s} works as {a} {v}.", "By trade, {s} is {a} {v}.", "{s} earned a living as {a} {v}."]
        case .employer: return ["{s} is employed by {v}.", "{s} has worked for {v} for many years.",
                                "Colleagues at {v} describe {s} as punctual."]
        case .foundedYear: return ["{s} was founded in {v}.", "{s} traces its origins to {v}.",
                                   "The founding of {s} dates to {v}."]
        case .headquarters: return ["{s} is headquartered in {v}.", "The head office of {s} stands in {v}.",
                                    "{s} runs its operations from {v}."]
        case .industry: return ["{s} operates in the {v} industry.", "{s} is best known for its work in {v}.",
                                "Most of the revenue of {s} comes from {v}."]
        case .founder: return ["{s} was founded by {v}.", "{v} is credited as the founder of {s}.",
                               "The founder of {s} was {v}."]
        case .employees: return ["{s} employs {v} people.", "The workforce of {s} numbers {v}.", "{s} has a staff of {v}."]
        case .population: return ["{s} has a population of {v}.", "About {v} people live in {s}.",
                                  "The last census counted {v} residents in {s}."]
        case .river: return ["The {v} flows through {s}.", "{s} lies on the banks of the {v}.",
                             "{s} grew around a crossing of the {v}."]
        case .releaseYear: return ["{s} was released in {v}.", "{s} first went on sale in {v}.",
                                   "The launch of {s} took place in {v}."]
        case .maker: return ["{s} is made by {v}.", "{v} manufactures {s}.", "{s} is produced in the workshops of {v}."]
        case .category: return ["{s} is {a} {v}.", "{s} belongs to the {v} category.", "Reviewers classify {s} as {a} {v}."]
        }
    }

    /// Irrelevant sentences: they name the entity (or a look-alike) without stating a fact.
    static let distracting = [
        "A short film about {s} was never finished.",
        "Little of the early correspondence concerning {s} survives.",
        "Local newspapers have occasionally confused {s} with {o}.",
        "Some accounts mention {o} in connection with {s}, but no link has been established.",
        "An exhibition in {y} featured photographs connected to {s}.",
        "Visitors describe the surroundings as quiet and green.",
        "The archive that holds these records was reorganised in {y}.",
        "Opinions about {s} differ widely among historians.",
        "Not to be confused with {o}.",
    ]
}

func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

func indefiniteArticle(_ word: String) -> String {
    guard let c = word.lowercased().first else { return "a" }
    return "aeiou".contains(c) ? "an" : "a"
}
