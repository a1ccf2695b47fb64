import Foundation
import RaditBase

/// The JSON files of a sweep folder, written atomically:
/// - `runs/<sweep>/<cell>/cell.json`: `{"sweep": name, "cell": name, "variant": name or null,
///   "overrides": {key: value, …}}`, the values with their TOML types (what `radit table`
///   reads to place a cell), and `"training_from": cell` when the cell's run evaluates that
///   earlier cell's trained models instead of training its own;
/// - `runs/<sweep>/sweep.json`: the config file, the sweep's `--set` overrides, its status
///   (`running`, `stopped`, `failed`, `complete`), the cells in order with their outcome in the
///   last `radit sweep` call (and `training_from` as in cell.json), the counts and the reuse.
public enum SweepManifest {
    /// A cell's file beside its run.h5.
    public static let cellFileName = "cell.json"

    static func cellObject(_ sweep: Sweep, _ cell: SweepCell, trainingFrom: String?) -> String {
        let overrides = cell.settings.map { "\(jsonQuoted($0.key)): \($0.value.json)" }.joined(separator: ", ")
        return "{\"sweep\": \(jsonQuoted(sweep.name)), \"cell\": \(jsonQuoted(cell.name)), "
            + "\"variant\": \(cell.variant.map(jsonQuoted) ?? "null"), \"overrides\": {\(overrides)}"
            + (trainingFrom.map { ", \"training_from\": \(jsonQuoted($0))" } ?? "") + "}"
    }

    static func writeCell(_ sweep: Sweep, _ cell: SweepCell, trainingFrom: SweepCell?) throws {
        let text = cellObject(sweep, cell, trainingFrom: trainingFrom?.name) + "\n"
        try AtomicFileWrite.write(Data(text.utf8), to: sweep.cellDirectory(cell).appendingPathComponent(cellFileName))
    }

    /// Reads a cell's `cell.json` back: the sweep's name and the cell.
    public static func readCell(_ file: URL) throws -> (sweep: String, cell: SweepCell) {
        let read = try JSONDecoder().decode(CellFile.self, from: Data(contentsOf: file))
        return (read.sweep, read.cell)
    }

    /// `cell.json`'s one key that is not the cell's own.
    private struct CellFile: Decodable {
        var sweep: String
        var cell: SweepCell

        private enum Field: String, CodingKey { case sweep }

        init(from decoder: Decoder) throws {
            sweep = try decoder.container(keyedBy: Field.self).decode(String.self, forKey: .sweep)
            cell = try SweepCell(from: decoder)
        }
    }

    static func write(_ sweep: Sweep, report: SweepReport, status: String) throws {
        var lines = ["{", "  \"sweep\": \(jsonQuoted(sweep.name)),",
                     "  \"config\": \(jsonQuoted(sweep.config.file)),",
                     "  \"overrides\": [\(sweep.overrides.map(jsonQuoted).joined(separator: ", "))],",
                     "  \"status\": \(jsonQuoted(status)),",
                     "  \"updated\": \(jsonQuoted(ISO8601DateFormatter().string(from: Date()))),",
                     "  \"cells\": ["]
        for (i, cell) in sweep.cells.enumerated() {
            var object = cellObject(sweep, cell, trainingFrom: report.trainingFrom[i])
            object.removeLast()
            object += ", \"outcome\": \(jsonQuoted(report.outcomes[i].rawValue))}"
            lines.append("    " + object + (i + 1 < sweep.cells.count ? "," : ""))
        }
        lines.append("  ],")
        lines.append("  \"counts\": {\"cells\": \(sweep.cells.count), \"ran\": \(report.ran), \"skipped_finished\": \(report.skipped), \"resumed\": \(report.resumed)},")
        lines.append("  \"reuse\": \(report.reuse.json)")
        lines.append("}")
        try AtomicFileWrite.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: sweep.manifestFile)
    }
}
