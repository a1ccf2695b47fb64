/// Which stages run when (DESIGN §4, "Lockstep loop").
public enum TuningSchedule: String, Sendable, CaseIterable, Codable {
    /// Radit's extension (not in RA-DIT): every step embeds → searches top-K with the
    /// current query encoder → scores the current LM on the K pairs → R-ft step → LM-ft step
    /// on the current retriever's top-k, so each stage trains against the other's latest state.
    case lockstep
    /// All LM-ft steps, then all R-ft steps (R-ft supervised by the tuned LM).
    case sequentialLMFirst = "sequential_lm_first"
    /// All R-ft steps (supervised by the base LM), then all LM-ft steps.
    case sequentialRetrieverFirst = "sequential_retriever_first"
    /// RA-DIT's recipe (§2.3–2.4, §5.2, App. E.1): the base retriever's top-K and the base
    /// LM's scores over them are fixed once before training; R-ft learns from those targets
    /// and LM-ft trains on the same base top-k chunks, so the two stages are independent.
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

    /// The 0-based step inside the running stage (sequential schedules restart their
    /// learning-rate schedule for the second stage).
    public func localStep(at step: Int, stepsPerStage steps: Int) -> Int {
        switch self {
        case .sequentialLMFirst, .sequentialRetrieverFirst: return step < steps ? step : step - steps
        default: return step
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
