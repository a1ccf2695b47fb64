import Foundation
import RaditEval

/// Per-query rankings kept by `radit bench retrieval` (its .h5 file): rows of the recall table.
public struct StoredBench: Sendable {
    public var file: URL
    public var dataset: String
    public var rankings: [(retriever: String, records: ExampleRecords)]

    public init(file: URL) throws {
        self.file = file
        let stored = try RetrievalBench.readRankings(file)
        dataset = stored.dataset
        rankings = stored.rankings
    }
}

/// What `radit table` and `radit report` read: run folders, the finished cells of sweep
/// folders (every immediate subfolder holding run.h5, in name order), and retrieval
/// benchmark files.
public struct RunCollection: Sendable {
    public var runs: [StoredRun]
    public var benches: [StoredBench]
    /// A name for the whole: the sweep's (from cell.json or the folder), or the run's.
    public var name: String
    /// Sweep cells left out because they have not finished (no final evaluation yet).
    public var unfinished: [String]

    public init(runs: [StoredRun], benches: [StoredBench] = [], name: String, unfinished: [String] = []) {
        self.runs = runs
        self.benches = benches
        self.name = name
        self.unfinished = unfinished
    }

    /// Reads every path: a run folder, a sweep folder or a bench .h5 file.
    public init(paths: [URL]) throws {
        var runs: [StoredRun] = [], benches: [StoredBench] = [], unfinished: [String] = []
        var names: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path.path, isDirectory: &isDir) else { throw AnalysisError.notARunOrSweep(path: path.path) }
            if !isDir.boolValue {
                guard path.pathExtension == "h5" else { throw AnalysisError.notARunOrSweep(path: path.path) }
                let b = try StoredBench(file: path)
                benches.append(b)
                names.append("bench \(b.dataset)")
            } else if StoredRun.isRun(path) {
                let r = try StoredRun(directory: path)
                runs.append(r)
                names.append(r.sweep ?? r.name)
            } else {
                let cells = try fm.contentsOfDirectory(at: path, includingPropertiesForKeys: nil)
                    .filter { StoredRun.isRun($0) }
                    .sorted { $0.lastPathComponent < $1.lastPathComponent }
                guard !cells.isEmpty else { throw AnalysisError.notARunOrSweep(path: path.path) }
                var read: [StoredRun] = []
                for c in cells {
                    do {
                        read.append(try StoredRun(directory: c))
                    } catch AnalysisError.unfinished(let r) {
                        unfinished.append(r)
                    }
                }
                guard !read.isEmpty else { throw AnalysisError.unfinished(run: cells[0].path) }
                names.append(read.first?.sweep ?? path.lastPathComponent)
                runs += read
            }
        }
        // Runs given outside a sweep that differ only in train.seed are one configuration.
        var first: [String: String] = [:]
        for i in runs.indices where runs[i].cell == nil {
            let key = runs[i].configurationKey
            if first[key] == nil { first[key] = runs[i].name }
            runs[i].label = first[key]!
        }
        var seen = Set<String>()
        self.init(runs: runs, benches: benches, name: names.filter { seen.insert($0).inserted }.joined(separator: ", "),
                  unfinished: unfinished)
    }

    /// Datasets in first-seen order (runs, then benches).
    public var datasets: [String] {
        var seen = Set<String>()
        return (runs.map(\.dataset) + benches.map(\.dataset)).filter { seen.insert($0).inserted }
    }

    /// Run labels (configurations apart from the seed) in first-seen order.
    public var labels: [String] {
        var seen = Set<String>()
        return runs.map(\.label).filter { seen.insert($0).inserted }
    }

    /// The runs of one configuration.
    public func only(label: String) -> RunCollection {
        RunCollection(runs: runs.filter { $0.label == label }, benches: benches, name: label, unfinished: unfinished)
    }
}
