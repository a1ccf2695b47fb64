/// The judged scores of one pass as columns (one HDF5 group, `/judge/<pass>/` beside
/// `/predictions/<pass>/`): one row per question, raw judge replies included.
public enum JudgeColumns {
    static let names = ["id", JudgeMetric.answerSimilarity.rawValue, JudgeMetric.answerCorrectness.rawValue,
                        JudgeMetric.faithfulness.rawValue, "tp_fp_fn", "raw_correctness", "raw_faithfulness"]

    public static func columns(_ scores: [JudgeScore]) -> RecordColumns {
        let n = scores.count
        var c = RecordColumns()
        c.attributes["records_version"] = RecordColumns.version
        c["id"] = .strings(scores.map(\.id), shape: [n])
        for m in JudgeMetric.allCases { c[m.rawValue] = .doubles(scores.map { $0.value(m) }, shape: [n]) }
        c["tp_fp_fn"] = .ints(scores.flatMap { [Int64($0.truePositives), Int64($0.falsePositives), Int64($0.falseNegatives)] }, shape: [n, 3])
        c["raw_correctness"] = .strings(scores.map(\.rawCorrectness), shape: [n])
        c["raw_faithfulness"] = .strings(scores.map(\.rawFaithfulness), shape: [n])
        return c
    }

    /// Rebuilds the scores; `source` names the file or group in errors.
    public static func scores(_ c: RecordColumns, source: String) throws -> [JudgeScore] {
        func strings(_ name: String) throws -> [String] {
            guard case let .strings(v, _)? = c[name] else { throw EvalError.missingColumn(source: source, column: name) }
            return v
        }
        func doubles(_ name: String) throws -> [Double] {
            guard case let .doubles(v, _)? = c[name] else { throw EvalError.missingColumn(source: source, column: name) }
            return v
        }
        let ids = try strings("id")
        let n = ids.count
        let sim = try doubles(JudgeMetric.answerSimilarity.rawValue)
        let cor = try doubles(JudgeMetric.answerCorrectness.rawValue)
        let fai = try doubles(JudgeMetric.faithfulness.rawValue)
        guard case let .ints(counts, shape)? = c["tp_fp_fn"] else { throw EvalError.missingColumn(source: source, column: "tp_fp_fn") }
        let rawC = try strings("raw_correctness"), rawF = try strings("raw_faithfulness")
        for (name, count) in [(JudgeMetric.answerSimilarity.rawValue, sim.count), (JudgeMetric.answerCorrectness.rawValue, cor.count),
                              (JudgeMetric.faithfulness.rawValue, fai.count), ("raw_correctness", rawC.count), ("raw_faithfulness", rawF.count)]
            where count != n {
            throw EvalError.badShape(source: source, column: name, expected: [n], actual: [count])
        }
        guard shape == [n, 3] else { throw EvalError.badShape(source: source, column: "tp_fp_fn", expected: [n, 3], actual: shape) }
        return (0..<n).map { i in
            JudgeScore(id: ids[i], answerSimilarity: sim[i], answerCorrectness: cor[i], faithfulness: fai[i],
                       truePositives: Int(counts[3 * i]), falsePositives: Int(counts[3 * i + 1]), falseNegatives: Int(counts[3 * i + 2]),
                       rawCorrectness: rawC[i], rawFaithfulness: rawF[i])
        }
    }
}
