import Foundation
import RaditBase
import RaditEval
import RaditStore

/// A finished run folder read back for tables and reports: its resolved config, data,
/// per-step metrics, digests and every evaluation pass's per-example records.
public struct StoredRun: Sendable {
    public var directory: URL
    /// The folder's name.
    public var name: String
    /// The sweep the run is a cell of and its cell (from `cell.json`), nil outside a sweep.
    public var sweep: String?
    public var cell: SweepCell?
    /// The resolved config, `section.key` → value.
    public var config: [String: ConfigValue]
    /// The resolved config as stored (JSON), for reports.
    public var resolvedJSON: String
    /// `/data` attribute `name`: the dataset.
    public var dataset: String
    public var passes: [EvaluationPass]
    /// `/metrics` series by name.
    public var metrics: [String: [Double]]
    /// Root attributes (git commit, Radit version, created) and computed content digests.
    public var digests: [(name: String, value: String)]

    public static func isRun(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("run.h5").path)
    }

    public init(directory: URL) throws {
        self.directory = directory
        name = directory.lastPathComponent
        let runFile = directory.appendingPathComponent("run.h5")
        let cellFile = directory.appendingPathComponent(SweepManifest.cellFileName)
        if FileManager.default.fileExists(atPath: cellFile.path) {
            do {
                let read = try SweepManifest.readCell(cellFile)
                sweep = read.sweep
                cell = read.cell
            } catch {
                throw AnalysisError.badCell(file: cellFile.path, reason: "\(error)")
            }
        }
        let file = try StoreFile.open(runFile, expecting: .run, versions: RunFile.version...RunFile.version)
        defer { try? file.close() }
        resolvedJSON = try file.readStrings(RunLayout.configResolved, shape: [])[0]
        do {
            config = try ExperimentConfig.resolvedValues(fromJSON: resolvedJSON)
        } catch {
            throw RunError.corrupt(what: "\(runFile.path):\(RunLayout.configResolved) (not the resolved config's JSON: \(error))")
        }
        dataset = try file.group(RunLayout.data).stringAttribute("name")
        var series: [String: [Double]] = [:]
        if try file.exists(RunLayout.metrics) {
            let m = try file.group(RunLayout.metrics)
            for child in try m.children() where child.kind == .dataset {
                series[child.name] = try m.read(child.name, as: Double.self)
            }
        }
        metrics = series
        var d: [(name: String, value: String)] = []
        for a in ["created", RunLayout.gitCommitAttribute, "radit_version"] {
            if let v = try file.attribute(a) { d.append((a, Self.text(v))) }
        }
        // Digests a run stores itself (data, model, config), whatever their names.
        for a in try file.attributeNames().sorted() where a.contains("digest") || a.contains("sha256") {
            if let v = try file.attribute(a) { d.append((a, Self.text(v))) }
        }
        d.append(("config sha256 (resolved JSON)", SHA256.hex(resolvedJSON)))
        var data = SHA256()
        for split in ["train", "dev", "test"] {
            let path = "\(RunLayout.data)/split/\(split)"
            guard try file.exists(path) else { continue }
            let ids = try file.readStrings(path)
            data.update("\(split):" + ids.joined(separator: "\n") + "\n")
        }
        let chunks = try file.readStrings("\(RunLayout.data)/chunk_ids")
        data.update("chunks:" + chunks.joined(separator: "\n"))
        d.append(("data sha256 (split question ids + chunk ids)", SHA256.hexString(data.finalize())))
        digests = d
        label = Self.label(sweep: sweep, cell: cell, name: name)
        passes = try RunFile.readPasses(file)
        if passes.isEmpty { throw AnalysisError.unfinished(run: directory.path) }
    }

    static func text(_ v: AttributeValue) -> String {
        if case .string(let s) = v { return s }
        return v.description
    }

    // MARK: Config

    public func int(_ key: String) -> Int? { double(key).flatMap { $0.isFinite ? Int($0) : nil } }

    public func double(_ key: String) -> Double? {
        switch config[key] {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }

    public func string(_ key: String) -> String? { config[key]?.plain }

    /// The training seed (runs of one configuration under several seeds pool into a cell).
    public var seed: Int { int(AnalysisKey.seed) ?? 0 }

    /// What the run is apart from its seed, for row labels: in a sweep, the variant's name,
    /// else the cell's overrides other than `train.seed` (`key=value, …`), else the sweep's
    /// name (a sweep over seeds only); outside a sweep, the folder's name (`RunCollection`
    /// gives runs whose configs differ only in the seed the first one's name).
    public var label: String

    /// The resolved config without `train.seed`: equal for runs of one configuration.
    public var configurationKey: String {
        config.filter { $0.key != AnalysisKey.seed }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    static func label(sweep: String?, cell: SweepCell?, name: String) -> String {
        guard let sweep, let cell else { return name }
        if let v = cell.variant, !v.isEmpty { return v }
        let o = cell.settings.filter { $0.key != AnalysisKey.seed }
        if !o.isEmpty { return o.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.plain)" }.joined(separator: ", ") }
        return sweep
    }

    /// The pass named `name` (`base+base`, `LM-ft+R-ft`, `LM-ft+closed-book`, …).
    public func pass(_ name: String) -> EvaluationPass? { passes.first { $0.name == name } }

    /// The pass the run reports as its result: the tuned pair.
    public var headline: EvaluationPass? {
        pass(EvaluationPass.name(lm: "LM-ft", retriever: "R-ft")) ?? passes.last { $0.retriever != nil } ?? passes.last
    }
}
