/// What long-running library work reports; the CLI renders it (bar on a TTY, JSON lines
/// otherwise). Library code never prints.
public struct ProgressEvent: Sendable, Equatable {
    /// Short name of the stage, e.g. "embed", "lm-ft", "bm25-index".
    public var stage: String
    /// Units done so far and the total when known.
    public var done: Int
    public var total: Int?
    /// What the units are ("passages", "steps", "tokens").
    public var unit: String
    /// Named scalar metrics to show beside the bar (loss, tokens/s, ...), in display order.
    public var metrics: [(String, Double)]

    public init(stage: String, done: Int, total: Int?, unit: String, metrics: [(String, Double)] = []) {
        self.stage = stage
        self.done = done
        self.total = total
        self.unit = unit
        self.metrics = metrics
    }

    public static func == (a: ProgressEvent, b: ProgressEvent) -> Bool {
        a.stage == b.stage && a.done == b.done && a.total == b.total && a.unit == b.unit
            && a.metrics.map(\.0) == b.metrics.map(\.0) && a.metrics.map(\.1) == b.metrics.map(\.1)
    }
}

/// The answer a progress callback gives: keep going, or stop cleanly at the next safe point.
public enum ProgressAction: Sendable {
    case proceed
    case stop
}

/// Callback type every long-running API takes.
public typealias ProgressHandler = (ProgressEvent) -> ProgressAction

/// A handler that ignores events, for callers that do not care.
public func silentProgress(_ event: ProgressEvent) -> ProgressAction { .proceed }
