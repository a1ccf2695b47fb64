import Foundation

/// Which stages run when (DESIGN §4, "Lockstep loop").
public enum TuningSchedule: String, Sendable, CaseIterable, Codable {
    /// Every step: embed → search top-K → score LM on K pairs → R-ft step → LM-ft step.
    case lockstep
    /// All LM-ft steps, then all R-ft steps (R-ft supervised by the tuned LM).
    case sequentialLMFirst = "sequential_lm_first"
    /// All R-ft steps (supervised by the base LM), then all LM-ft steps.
    case sequentialRetrieverFirst = "sequential_retriever_first"
    /// RA-DIT's recipe: LSR targets computed once by the base LM over fixed candidate sets,
    /// then both stages step independently.
    case cached
    case lmOnly = "lm_only"
    case retrieverOnly = "retriever_only"

    /// Total optimizer steps for `steps` per stage.
    public func totalSteps(_ steps: Int) -> Int {
        switch self {
        case .sequentialLMFirst, .sequentialRetrieverFirst: return 2 * steps
        default: return steps
        }
    }

    /// Which stages update at global step `step`.
    public func stages(at step: Int, stepsPerStage steps: Int) -> (lm: Bool, retriever: Bool) {
        switch self {
        case .lockstep, .cached: return (true, true)
        case .sequentialLMFirst: return step < steps ? (true, false) : (false, true)
        case .sequentialRetrieverFirst: return step < steps ? (false, true) : (true, false)
        case .lmOnly: return (true, false)
        case .retrieverOnly: return (false, true)
        }
    }
}

/// Learning-rate shape over steps, after a linear warm-up.
public enum LearningRateShape: String, Sendable, CaseIterable, Codable {
    case constant
    case linear
    case cosine
}

/// Peak rate, warm-up and decay; `rate(step, total)` is what an optimizer step uses.
public struct LearningRateSchedule: Sendable, Equatable {
    public var peak: Double
    public var warmupSteps: Int
    public var shape: LearningRateShape
    /// Floor as a fraction of the peak (cosine/linear decay to peak·minRatio).
    public var minRatio: Double

    public init(peak: Double, warmupSteps: Int = 0, shape: LearningRateShape = .constant, minRatio: Double = 0) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.shape = shape
        self.minRatio = minRatio
    }

    /// Rate at 0-based `step` of `total` steps.
    public func rate(_ step: Int, total: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let span = max(1, total - warmupSteps)
        let t = min(1, Double(step - warmupSteps) / Double(span))
        let floor = peak * minRatio
        switch shape {
        case .constant: return peak
        case .linear: return floor + (peak - floor) * (1 - t)
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * t))
        }
    }
}
