/// Low-rank adaptation (Hu et al. 2021): `W x + (α / r) · B A dropout(x)` with the base
/// `W` frozen, `A (r, in)` drawn like PEFT (uniform ±1/√in), `B (out, r)` zero so training
/// starts at the base model.
public struct LoRAConfig: Sendable, Equatable, Codable {
    /// Which projections get adapters.
    public enum Targets: String, Sendable, Codable, CaseIterable {
        /// q, k, v, o.
        case attention
        /// q, k, v, o, gate, up, down.
        case allLinear = "all"

        public var linears: [LlamaLinear] {
            self == .attention ? [.q, .k, .v, .o] : LlamaLinear.allCases
        }
    }

    public var rank: Int
    public var alpha: Double
    /// Dropout probability on the adapter's input (training forward only).
    public var dropout: Double
    public var targets: Targets
    /// Seeds A's initialisation and the dropout stream.
    public var seed: UInt64

    public init(rank: Int, alpha: Double, dropout: Double, targets: Targets, seed: UInt64) {
        self.rank = rank; self.alpha = alpha; self.dropout = dropout; self.targets = targets; self.seed = seed
    }

    /// α / r.
    public var scale: Double { alpha / Double(rank) }
}
