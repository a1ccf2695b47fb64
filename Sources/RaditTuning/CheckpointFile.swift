import Foundation
import RaditStore
import RaditTensor

/// `ckpt-<step>.h5` (format `radit.checkpoint`, DESIGN §6): `/params/<name>`,
/// `/optim/{m,v}/<name>`, `/state` with the step, RNG state, data cursor and best score as
/// attributes, and the `cached` schedule's fixed candidates as datasets. Written atomically;
/// every tensor carries a Fletcher-32 checksum, so a changed bit fails the load naming it.
public enum CheckpointFile {
    public static let version = 1

    /// `series` are named Double arrays kept with the checkpoint (the run's per-step
    /// metrics up to this step), under `/state/series/<name>`.
    public static func write(_ snapshot: TrainingSnapshot, series: [String: [Double]] = [:], to url: URL) throws {
        try StoreFile.writeAtomically(to: url, format: .checkpoint, version: version) { file in
            for section in CheckpointSection.allCases {
                let tensors = snapshot.tensors.filter { $0.section == section }
                if !tensors.isEmpty {
                    try file.writeTensors("/" + section.rawValue, tensors.map { ($0.name, $0.tensor) }, options: .checksummed)
                }
            }
            let s = snapshot.state
            let g = try file.requireGroup(CheckpointLayout.state)
            try g.setAttribute("step", .int(s.step))
            try g.setAttribute("epoch", .int(s.epoch))
            try g.setAttribute("position", .int(s.position))
            try g.setAttribute("rng_state", .ints(s.rng.state.map { Int(bitPattern: UInt($0)) }))
            if let spare = s.rng.spareNormal { try g.setAttribute("rng_spare_normal", .double(spare)) }
            try g.setAttribute("best_score", .double(s.bestScore))
            try g.setAttribute("best_step", .int(s.bestStep))
            try g.setAttribute("tensor_order", .strings(snapshot.tensors.map(\.key)))
            if !series.isEmpty {
                let sg = try g.requireGroup("series")
                for (name, values) in series.sorted(by: { $0.key < $1.key }) { try sg.createDataset(name, values: values) }
            }
            if let fixed = s.fixed {
                let k = fixed.first?.ids.count ?? 0
                try g.createDataset("fixed_ids", values: fixed.flatMap { $0.ids.map(Int64.init) }, shape: [fixed.count, k])
                try g.createDataset("fixed_logp", values: fixed.flatMap { $0.lm.map(\.sum) }, shape: [fixed.count, k])
                try g.createDataset("fixed_tokens", values: fixed.flatMap { $0.lm.map { Int64($0.tokens) } }, shape: [fixed.count, k])
            }
        }
    }

    public static func read(_ url: URL, seed: UInt64) throws -> TrainingSnapshot {
        try readWithSeries(url, seed: seed).snapshot
    }

    public static func readWithSeries(_ url: URL, seed: UInt64) throws -> (snapshot: TrainingSnapshot, series: [String: [Double]]) {
        let file = try StoreFile.open(url, expecting: .checkpoint, versions: version...version)
        defer { try? file.close() }
        let g = try file.group(CheckpointLayout.state)
        func int(_ name: String) throws -> Int {
            guard case .int(let v)? = try g.attribute(name) else { throw missing(url, name) }
            return v
        }
        var state = TuningState(seed: seed)
        state.step = try int("step")
        state.epoch = try int("epoch")
        state.position = try int("position")
        state.bestStep = try int("best_step")
        guard case .double(let best)? = try g.attribute("best_score") else { throw missing(url, "best_score") }
        state.bestScore = best
        guard case .ints(let words)? = try g.attribute("rng_state"), words.count == 4 else { throw missing(url, "rng_state") }
        var spare: Double?
        if case .double(let v)? = try g.attribute("rng_spare_normal") { spare = v }
        state.rng = RandomSource(state: words.map { UInt64(UInt(bitPattern: $0)) }, spareNormal: spare)
        if try g.exists("fixed_ids") {
            let shape = try g.shape(of: "fixed_ids")
            let ids = try g.read("fixed_ids", as: Int64.self, shape: shape)
            let logp = try g.read("fixed_logp", as: Double.self, shape: shape)
            let tokens = try g.read("fixed_tokens", as: Int64.self, shape: shape)
            let k = shape[1]
            state.fixed = (0..<shape[0]).map { i in
                FixedCandidates(ids: (0..<k).map { Int(ids[i * k + $0]) },
                                lm: (0..<k).map { AnswerLogProb(sum: logp[i * k + $0], tokens: Int(tokens[i * k + $0])) })
            }
        }
        guard case .strings(let order)? = try g.attribute("tensor_order") else { throw missing(url, "tensor_order") }
        var tensors: [CheckpointTensor] = []
        for key in order {
            guard let section = CheckpointSection.allCases.first(where: { key.hasPrefix($0.rawValue + "/") }) else {
                throw missing(url, key)
            }
            let name = String(key.dropFirst(section.rawValue.count + 1))
            tensors.append(CheckpointTensor(section, name, try file.readTensor("/" + key, as: Float.self)))
        }
        var series: [String: [Double]] = [:]
        if try g.exists("series") {
            let sg = try g.group("series")
            for child in try sg.children() where child.kind == .dataset {
                series[child.name] = try sg.read(child.name, as: Double.self)
            }
        }
        return (TrainingSnapshot(tensors: tensors, state: state), series)
    }

    static func missing(_ url: URL, _ name: String) -> StoreError {
        .missing(file: url.path, path: "\(CheckpointLayout.state)@\(name)", kind: "attribute")
    }
}
