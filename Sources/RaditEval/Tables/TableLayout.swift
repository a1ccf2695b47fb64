/// The shape of a paper table before any number is in it: its rows (configurations), its
/// columns (dataset × metric) and the baseline row marks compare against.
public struct TableLayout: Sendable, Equatable {
    /// A row before its cells: key, labels under the stub headers.
    public struct Row: Sendable, Equatable {
        public var key: String
        public var labels: [String]

        public init(key: String, labels: [String]) {
            self.key = key
            self.labels = labels
        }
    }

    public var name: String
    public var title: String
    public var stubHeaders: [String]
    public var rows: [Row]
    public var columns: [TableColumn]
    public var baseline: String?
    public var display: TableDisplay

    public init(name: String, title: String, stubHeaders: [String], rows: [Row], columns: [TableColumn],
                baseline: String?, display: TableDisplay = TableDisplay()) {
        self.name = name
        self.title = title
        self.stubHeaders = stubHeaders
        self.rows = rows
        self.columns = columns
        self.baseline = baseline
        self.display = display
    }

    /// The layouts `radit table --layout` offers.
    public static let names = ["raft-table1", "radit-table6", "grid", "p-curve", "recall"]

    /// Columns `dataset/metric`, grouped under the dataset when there are several metrics.
    static func datasetColumns(_ datasets: [String], _ metrics: [RecordMetric]) -> [TableColumn] {
        datasets.flatMap { d in
            metrics.map { m in
                TableColumn(key: "\(d)/\(m)", header: metrics.count > 1 ? m.description : "\(d) \(m)",
                            group: metrics.count > 1 ? d : nil, metric: m.description)
            }
        }
    }

    /// RAFT Table 1 (Zhang et al. 2024): rows base (closed-book), base + RAG, DSF
    /// (domain-specific fine-tuning, no documents), DSF + RAG, RAFT, RA-DIT; columns datasets.
    public static let raftTable1Rows = ["base", "base+RAG", "DSF", "DSF+RAG", "RAFT", "RA-DIT"]

    public static func raftTable1(datasets: [String], metrics: [RecordMetric] = [.exactMatch, .f1],
                                  baseline: String? = "base+RAG") -> TableLayout {
        TableLayout(name: "raft-table1", title: "RAFT Table 1 layout: fine-tuning recipes with and without retrieval",
                    stubHeaders: ["method"],
                    rows: raftTable1Rows.map { Row(key: $0, labels: [$0.replacingPlus()]) },
                    columns: datasetColumns(datasets, metrics), baseline: baseline)
    }

    /// RA-DIT Table 6 (Lin et al. 2023): LM {base, LM-ft} × retriever {base, R-ft}; row keys
    /// `<lm>+<retriever>`; relative gains over base+base as the paper reports them.
    public static let raditTable6Rows: [(lm: String, retriever: String)] =
        [("base", "base"), ("LM-ft", "base"), ("base", "R-ft"), ("LM-ft", "R-ft")]

    public static func raditTable6(datasets: [String], metrics: [RecordMetric] = [.exactMatch, .f1],
                                   baseline: String? = "base+base") -> TableLayout {
        TableLayout(name: "radit-table6", title: "RA-DIT Table 6 layout: LM fine-tuning × retriever fine-tuning",
                    stubHeaders: ["LM", "retriever"],
                    rows: raditTable6Rows.map { Row(key: "\($0.lm)+\($0.retriever)", labels: [$0.lm, $0.retriever]) },
                    columns: datasetColumns(datasets, metrics), baseline: baseline,
                    display: TableDisplay(gains: .relative))
    }

    /// RAFT Fig. 6 as a table: train distractors (rows `d=<n>`) × test top-k (columns `k=<k>`).
    public static func grid(trainDistractors: [Int], testTopK: [Int], metric: RecordMetric = .exactMatch,
                            baseline: Int? = nil) -> TableLayout {
        TableLayout(name: "grid", title: "\(metric) by train distractors × test top-k",
                    stubHeaders: ["train distractors"],
                    rows: trainDistractors.map { Row(key: "d=\($0)", labels: ["\($0)"]) },
                    columns: testTopK.map { TableColumn(key: "k=\($0)", header: "top-\($0)", group: "test top-k",
                                                        metric: metric.description) },
                    baseline: baseline.map { "d=\($0)" })
    }

    /// RAFT Fig. 5 as a table: the oracle share P in training (rows `P=<p>`) × dataset/metric.
    public static func pCurve(oracleShares: [Double], datasets: [String], metrics: [RecordMetric] = [.exactMatch],
                              baseline: Double? = nil) -> TableLayout {
        TableLayout(name: "p-curve", title: "Effect of the oracle share P in RAFT training",
                    stubHeaders: ["P"],
                    rows: oracleShares.map { Row(key: "P=\($0)", labels: ["\($0)"]) },
                    columns: datasetColumns(datasets, metrics), baseline: baseline.map { "P=\($0)" })
    }

    /// Retrievers (BM25, base dense, tuned dense) × recall@k / nDCG@10 / MRR.
    public static func recall(retrievers: [String],
                              metrics: [RetrievalMetric] = [.goldRecallAny(1), .goldRecallAny(5), .goldRecallAny(20), .ndcg(10), .mrr(10)],
                              baseline: String? = nil) -> TableLayout {
        TableLayout(name: "recall", title: "Retrieval against baselines",
                    stubHeaders: ["retriever"],
                    rows: retrievers.map { Row(key: $0, labels: [$0]) },
                    columns: metrics.map { TableColumn(key: $0.description, header: $0.description,
                                                       metric: RecordMetric.retrieval($0).description) },
                    baseline: baseline ?? retrievers.first)
    }
}

extension String {
    /// "base+RAG" → "base + RAG" for display.
    func replacingPlus() -> String {
        split(separator: "+").joined(separator: " + ")
    }
}
