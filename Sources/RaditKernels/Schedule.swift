import RaditTensor

/// Learning-rate schedules, evaluated at the 1-based optimizer step `t` about to be taken.
public enum LearningRateSchedule: Sendable, Equatable {
    /// `lr(t) = peak` for every step.
    case constant(peak: Double)
    /// Linear warm-up then cosine decay (Loshchilov & Hutter 2017, SGDR without restarts;
    /// nanoGPT's `get_lr`), with `W = warmupSteps`, `N = totalSteps`:
    /// ```
    /// t ≤ W:        lr = peak · t / W                 (step 1 already moves: peak/W)
    /// W < t ≤ N:    p = (t − W) / (N − W)
    ///               lr = minimum + ½ (peak − minimum) (1 + cos(π p))
    /// t > N:        lr = minimum
    /// ```
    /// so `lr(W) = peak` and `lr(N) = minimum`.
    case cosine(peak: Double, minimum: Double, warmupSteps: Int, totalSteps: Int)

    /// The learning rate at 1-based step `step` (`step < 1` is treated as 1).
    public func lr(step: Int) -> Double {
        let t = max(1, step)
        switch self {
        case .constant(let peak):
            return peak
        case .cosine(let peak, let minimum, let warmup, let total):
            if t <= warmup { return peak * Double(t) / Double(warmup) }
            if t > total { return minimum }
            let p: Double = Double(t - warmup) / Double(max(1, total - warmup))
            let wave: Double = 0.5 * (1 + Double.cos(Double.pi * p))
            return minimum + (peak - minimum) * wave
        }
    }
}
