import RaditTensor

/// The word stock SynthKB draws names and literal values from. Syllables are invented so
/// no pretrained model has seen the names; value pools are small on purpose so that many
/// entities share a value (hard distractors for "same industry?" and for retrieval).
enum SynthVocabulary {
    static let syllables = [
        "ka", "vor", "eth", "lin", "dra", "mo", "ssi", "tel", "quor", "zan", "bri", "ul", "ren",
        "dax", "fio", "gor", "hel", "ix", "jun", "kel", "mar", "nesh", "ob", "pra", "riv", "sol",
        "tam", "ves", "wyn", "yor", "zel", "cai", "dun", "era", "fen", "oss", "pel", "thu",
    ]
    static let placeSuffixes = ["", "", "", " Falls", " Harbour", " Crossing", " Heights", "ford", "mere", "wick"]
    static let organisationSuffixes = [
        "Industries", "Labs", "Systems", "Collective", "Works", "Holdings", "Foundry", "Group", "Guild", "Consortium",
    ]
    static let productModels = ["Aero", "Mark", "Nova", "Pulse", "Vista", "Orbit", "Flux", "Crest", "Echo", "Prime"]
    static let occupations = [
        "cartographer", "glassblower", "archivist", "botanist", "structural engineer", "violinist", "brewer",
        "astronomer", "shipwright", "translator", "beekeeper", "clockmaker", "geologist", "stage designer",
    ]
    static let industries = [
        "shipbuilding", "textiles", "robotics", "fermentation", "aerospace", "publishing", "ceramics",
        "logistics", "pharmaceuticals", "acoustics",
    ]
    static let categories = [
        "kettle", "drone", "bicycle", "synthesizer", "telescope", "lantern", "typewriter", "espresso machine",
        "loom", "sextant", "hearing aid", "weather balloon",
    ]
    static let placeKinds = ["city", "town", "village", "port"]

    /// A capitalised invented word of `count` syllables.
    static func word(_ rng: inout RandomSource, syllables count: Int) -> String {
        var w = ""
        for _ in 0..<count { w += rng.pick(syllables) }
        return w.prefix(1).uppercased() + w.dropFirst()
    }

    /// Thousands separated by commas, as the documents print counts ("48,200").
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}

extension RandomSource {
    /// A uniformly chosen element of a non-empty array.
    mutating func pick<T>(_ a: [T]) -> T { a[int(below: a.count)] }
    /// Uniform integer in the closed range.
    mutating func int(in r: ClosedRange<Int>) -> Int { r.lowerBound + int(below: r.count) }
}
