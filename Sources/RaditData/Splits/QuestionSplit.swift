import RaditTensor

/// The splits of an experiment's questions.
public enum QuestionSplit: String, Sendable, CaseIterable, Equatable {
    case train
    case dev
    case test
}

/// Questions by split, and how the split was made (recorded with every run).
public struct SplitQuestions: Sendable, Equatable {
    public var train: [Example]
    public var dev: [Example]
    public var test: [Example]
    /// Which splits the dataset itself defined (the rest were drawn by question).
    public var ownSplits: [QuestionSplit]
    /// Seed of the drawn part (meaningful when some split was drawn).
    public var seed: UInt64

    public init(train: [Example], dev: [Example], test: [Example], ownSplits: [QuestionSplit], seed: UInt64) {
        self.train = train
        self.dev = dev
        self.test = test
        self.ownSplits = ownSplits
        self.seed = seed
    }

    public subscript(split: QuestionSplit) -> [Example] {
        get {
            switch split {
            case .train: return train
            case .dev: return dev
            case .test: return test
            }
        }
        set {
            switch split {
            case .train: train = newValue
            case .dev: dev = newValue
            case .test: test = newValue
            }
        }
    }

    /// Results are reported on test when there is one, else on dev.
    public var reported: QuestionSplit { test.isEmpty ? .dev : .test }

    /// Splits questions that carry no split of their own: questions whose normalised text
    /// is the same stay together (so no question is asked in two splits), groups are
    /// shuffled by a generator seeded with `seed`, and the first `testFraction` of the
    /// questions go to test, the next `devFraction` to dev, the rest to train. Each split
    /// keeps source order.
    public static func drawn(_ examples: [Example], devFraction: Double, testFraction: Double, seed: UInt64) -> SplitQuestions {
        var groups: [[Int]] = []
        var groupOf: [String: Int] = [:]
        for (i, e) in examples.enumerated() {
            let key = normalisedQuestion(e.question)
            if let g = groupOf[key] { groups[g].append(i) } else {
                groupOf[key] = groups.count
                groups.append([i])
            }
        }
        var order = Array(groups.indices)
        var rng = RandomSource(seed: seed, key: "question-split")
        rng.shuffle(&order)
        let n = Double(examples.count)
        let testTarget = Int((n * testFraction).rounded()), devTarget = Int((n * devFraction).rounded())
        var split = [QuestionSplit](repeating: .train, count: examples.count)
        var inTest = 0, inDev = 0
        for g in order {
            let target: QuestionSplit
            if inTest < testTarget { target = .test; inTest += groups[g].count }
            else if inDev < devTarget { target = .dev; inDev += groups[g].count }
            else { target = .train }
            for i in groups[g] { split[i] = target }
        }
        func members(_ s: QuestionSplit) -> [Example] { examples.indices.filter { split[$0] == s }.map { examples[$0] } }
        return SplitQuestions(train: members(.train), dev: members(.dev), test: members(.test), ownSplits: [], seed: seed)
    }

    /// The key that keeps a question's copies in one split: lowercased, whitespace squeezed.
    static func normalisedQuestion(_ q: String) -> String {
        q.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
