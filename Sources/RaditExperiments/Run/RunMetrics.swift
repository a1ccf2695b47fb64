/// Per-step series of a run (`/metrics` in run.h5): one value per step, NaN where a value
/// does not apply (no R-ft this step, no dev evaluation this step).
public struct RunMetrics: Sendable, Equatable {
    /// Series names in display order.
    public static let names = ["step", "lm_loss", "retriever_loss", "lm_lr", "retriever_lr", "lm_tokens",
                               "scored_pairs", "lsr_flat_share", "seconds", "tokens_per_s", "dev_em", "dev_f1", "dev_recall_at_1"]
    /// The series that may differ between runs with identical results: timing, and how
    /// many pairs missed the LSR cache (a warmer cache scores fewer, to the same values).
    public static let volatile: Set<String> = ["seconds", "tokens_per_s", "scored_pairs"]

    /// Series added after checkpoints were first written: a checkpoint without one reads
    /// it as NaN (not recorded) rather than failing to resume.
    static let added: Set<String> = ["lsr_flat_share"]

    public var series: [String: [Double]]

    public init() { series = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, []) }) }

    public init(series: [String: [Double]]) throws {
        self.init()
        let rows = series["step"]?.count ?? 0
        for n in Self.names {
            if let s = series[n] {
                self.series[n] = s
            } else if Self.added.contains(n) {
                self.series[n] = [Double](repeating: .nan, count: rows)
            } else {
                throw RunError.corrupt(what: "checkpoint metrics series `\(n)`")
            }
        }
    }

    public var count: Int { series["step"]!.count }

    public mutating func append(_ row: [String: Double]) {
        for n in Self.names { series[n]!.append(row[n] ?? .nan) }
    }

    /// Sets a value in the last row (dev metrics are added after the step's row).
    public mutating func setLast(_ name: String, _ value: Double) {
        series[name]![series[name]!.count - 1] = value
    }

    /// The series without the volatile ones, as bit patterns: equal for bit-identical runs.
    public var deterministicBits: [String: [UInt64]] {
        series.filter { !Self.volatile.contains($0.key) }.mapValues { $0.map(\.bitPattern) }
    }
}
