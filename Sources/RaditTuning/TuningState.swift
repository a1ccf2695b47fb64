import RaditTensor

/// Candidates and base-LM scores fixed once for the `cached` schedule.
public struct FixedCandidates: Sendable, Equatable {
    public var ids: [Int]
    public var lm: [AnswerLogProb]
    public init(ids: [Int], lm: [AnswerLogProb]) {
        self.ids = ids
        self.lm = lm
    }
}

/// Everything besides model parameters that a resumed run needs to continue exactly.
public struct TuningState: Sendable, Equatable {
    /// Optimizer steps taken (global, across stages).
    public var step = 0
    /// Data cursor: epoch and position inside that epoch's shuffled order.
    public var epoch = 0
    public var position = 0
    /// The generator for the oracle-context coin.
    public var rng: RandomSource
    /// `cached` schedule only: per training example, once prepared.
    public var fixed: [FixedCandidates]?
    /// Best dev score seen and the step it was seen at (-1: none yet).
    public var bestScore = -Double.infinity
    public var bestStep = -1

    public init(seed: UInt64) {
        rng = RandomSource(seed: seed, key: "oracle-coin")
    }

    /// Training-example order of one epoch: a seeded shuffle, so the cursor (epoch,
    /// position) is all a checkpoint has to store.
    public static func order(epoch: Int, count: Int, seed: UInt64) -> [Int] {
        var r = RandomSource(seed: seed, key: "epoch-\(epoch)")
        var o = Array(0..<count)
        r.shuffle(&o)
        return o
    }
}
