/// Holm's step-down correction (Holm 1979) over the m comparisons of one table: with
/// p-values sorted ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)). Controls the
/// family-wise error rate at α without assuming independence.
public enum Holm {
    /// Adjusted p-values in the input order.
    public static func adjust(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { (p[$0], $0) < (p[$1], $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * p[i]))
            adjusted[i] = running
        }
        return adjusted
    }
}
