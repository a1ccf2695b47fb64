import RaditKernels

/// One stage's optimizer settings (LM-ft or R-ft): AdamW and the gradient-norm clip.
/// RaditExperiments fills them from `[train]`, where the defaults live.
public struct OptimizerOptions: Sendable, Equatable {
    public var adamW: AdamWConfig
    /// Global gradient-norm limit; nil = no clipping.
    public var clipNorm: Double?

    public init(adamW: AdamWConfig, clipNorm: Double?) {
        self.adamW = adamW
        self.clipNorm = clipNorm
    }
}
