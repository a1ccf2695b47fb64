/// What long-running library work reports, on one channel: the CLI renders it (bar on a
/// TTY, JSON lines otherwise). Library code never prints.
public struct ProgressEvent: Sendable, Equatable {
    /// Which stage of the work, e.g. `.embed`, `.lmFT`, `.bm25Index`.
    public var stage: ProgressStage
    /// Units done so far and the total when known.
    public var done: Int
    public var total: Int?
    /// What the units are (`.passages`, `.steps`, `.questions`).
    public var unit: ProgressUnit
    /// Named scalar metrics to show beside the bar, in display order; a metric has the same
    /// name here as in `run.h5`'s `/metrics`.
    public var metrics: [(ProgressMetric, Double)]

    public init(stage: ProgressStage, done: Int, total: Int?, unit: ProgressUnit, metrics: [(ProgressMetric, Double)] = []) {
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

/// A stage name. The known stages are constants; a literal names a new one.
public struct ProgressStage: RawRepresentable, Hashable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    /// Embedding passages into vectors (a corpus, an index).
    public static let embed: ProgressStage = "embed"
    /// Document embeddings read from the cache instead of embedded.
    public static let embedCache: ProgressStage = "embed-cache"
    /// Passages embedded into a dense retriever's index.
    public static let embedPassages: ProgressStage = "embed-passages"
    /// A forward pass of an encoder over token sequences.
    public static let encode: ProgressStage = "encode"
    public static let bm25Index: ProgressStage = "bm25-index"
    public static let bm25Search: ProgressStage = "bm25-search"
    public static let denseSearch: ProgressStage = "dense-search"
    public static let search: ProgressStage = "search"
    public static let synthKB: ProgressStage = "synthkb"
    public static let raft: ProgressStage = "raft"
    public static let rait: ProgressStage = "ra-it"
    /// LSR targets of the `cached` schedule, scored once.
    public static let lsrTargets: ProgressStage = "lsr-targets"
    public static let lmFT: ProgressStage = "lm-ft"
    public static let rFT: ProgressStage = "r-ft"
    public static let lmFTAndRFT: ProgressStage = "lm-ft+r-ft"
    public static let devEval: ProgressStage = "dev-eval"
    public static let eval: ProgressStage = "eval"
    /// Cells of a sweep (`radit sweep`), each a whole run.
    public static let sweep: ProgressStage = "sweep"
}

/// What a stage counts.
public struct ProgressUnit: RawRepresentable, Hashable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public static let passages: ProgressUnit = "passages"
    public static let chunks: ProgressUnit = "chunks"
    public static let sequences: ProgressUnit = "sequences"
    public static let queries: ProgressUnit = "queries"
    public static let questions: ProgressUnit = "questions"
    public static let steps: ProgressUnit = "steps"
    public static let documents: ProgressUnit = "documents"
    public static let entities: ProgressUnit = "entities"
    public static let cells: ProgressUnit = "cells"
}

/// A metric shown beside a bar; the same name as the run's `/metrics` series.
public struct ProgressMetric: RawRepresentable, Hashable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public static let lmLoss: ProgressMetric = "lm_loss"
    public static let retrieverLoss: ProgressMetric = "retriever_loss"
    public static let tokensPerSecond: ProgressMetric = "tokens_per_s"
    /// Share of a step's R-ft examples whose LSR target was flat or underflowed (dropped).
    public static let lsrFlatShare: ProgressMetric = "lsr_flat_share"
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
