import RaditEval
import RaditTuning

/// One final evaluation of a run on its reported split: which LM and which retriever
/// answered, how, and what each question got. Stored as `run.h5:/predictions/<name>/`
/// (the records' columns, `RecordStore`) with the attributes `lm`, `retriever`, `mode`,
/// `split`, `top_k` (the records' own `k` attribute is the widest prompt).
public struct EvaluationPass: Sendable, Equatable {
    /// "base" or "LM-ft" (the names of the run's results table).
    public var lm: String
    /// "base" or "R-ft"; nil when no retriever took part (closed-book).
    public var retriever: String?
    public var mode: InferenceMode
    /// The split evaluated (test, else dev) and the chunks per question.
    public var split: String
    public var k: Int
    public var records: ExampleRecords
    /// Who judged the predictions and what it counted (`radit judge`); the per-question
    /// scores are in `records`. Nil when the pass was not judged.
    public var judgement: PassJudgement?

    public init(lm: String, retriever: String?, mode: InferenceMode, split: String, k: Int, records: ExampleRecords) {
        self.lm = lm
        self.retriever = retriever
        self.mode = mode
        self.split = split
        self.k = k
        self.records = records
    }

    /// `<lm>+<retriever>` as the RA-DIT Table 6 row keys (`base+base`, `LM-ft+R-ft`, …), or
    /// `<lm>+closed-book`.
    public var name: String { Self.name(lm: lm, retriever: retriever) }

    public static func name(lm: String, retriever: String?) -> String {
        "\(lm)+\(retriever ?? closedBook)"
    }

    public static let closedBook = "closed-book"
    /// The LM and retriever names of the run's results table.
    public static let lmNames = ["base", "LM-ft"]
    public static let retrieverNames = ["base", "R-ft"]
}
