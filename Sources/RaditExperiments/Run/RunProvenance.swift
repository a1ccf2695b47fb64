import Foundation
import RaditBase
import RaditData
import RaditModels
import RaditStore
import RaditTuning

/// What a run's numbers were computed from, for `/provenance` in run.h5 (DESIGN §5
/// protocol guards; issue 12 §3, §8): digests of the resolved config, the data and the
/// model files; for a component adopted from another run (`lm.from_run`,
/// `retriever.from_run`) the checkpoint file and the digest of its parameters; and, once the
/// final evaluation ran, the digests of the parameters evaluated as "tuned". Parameter
/// digests are `TrainingSnapshot.parameterDigest`: equal digests, equal parameters.
public struct RunProvenance: Sendable, Equatable {
    /// SHA-256 of the resolved config JSON (`/config/resolved`).
    public var configDigest: String
    /// SHA-256 of the corpus (chunk ids, titles, texts) and of every split's questions
    /// (ids, texts, answers), in order.
    public var dataDigest: String
    /// SHA-256 of the LM file and of the retriever's weights file, or the from-scratch
    /// model's description for "tiny".
    public var lmModelDigest: String
    public var retrieverModelDigest: String
    /// Adopted components: the checkpoint read and its parameter digest.
    public var sources: [TunedComponent: SourceCheckpoint] = [:]
    /// Parameter digests of the tuned components as evaluated (empty until the end).
    public var evaluated: [TunedComponent: String] = [:]

    /// A checkpoint a component was adopted from, and the digest of that component's
    /// parameters in it.
    public struct SourceCheckpoint: Sendable, Equatable {
        public var file: String
        public var digest: String
        /// The source run's `run.h5` beside the checkpoint, whose `/metrics` hold the training
        /// that produced these parameters (referenced, not copied: a run that adopts and
        /// trains 0 steps has no training metrics of its own); nil when there is none.
        public var metrics: String? = nil
    }

    public init(config: ExperimentConfig, settings: RunSettings, data: ExperimentData, root: URL) throws {
        configDigest = SHA256.hex(config.resolvedJSON())
        dataDigest = Self.digest(data)
        lmModelDigest = try Self.modelDigest(settings.lm.model, weights: nil, root: root, seed: settings.train.seed)
        retrieverModelDigest = try Self.modelDigest(settings.retriever.model, weights: "model.safetensors", root: root,
                                                    seed: settings.train.seed)
    }

    /// `/provenance`'s attributes: `config_digest`, `data_digest`, `lm_model_digest`,
    /// `retriever_model_digest`; per adopted component `<c>_from_run` (the checkpoint),
    /// `<c>_source_digest` and, when the source run's run.h5 is beside its checkpoint,
    /// `<c>_source_metrics` (that file: the training curve); after the final evaluation
    /// `<c>_digest` (c = lm, retriever).
    public var attributes: [(String, String)] {
        var out = [("config_digest", configDigest), ("data_digest", dataDigest),
                   ("lm_model_digest", lmModelDigest), ("retriever_model_digest", retrieverModelDigest)]
        for c in TunedComponent.allCases {
            if let s = sources[c] {
                out.append(("\(c.name)_from_run", s.file))
                out.append(("\(c.name)_source_digest", s.digest))
                if let m = s.metrics { out.append(("\(c.name)_source_metrics", m)) }
            }
            if let d = evaluated[c] { out.append(("\(c.name)_digest", d)) }
        }
        return out
    }

    static func digest(_ data: ExperimentData) -> String {
        var h = SHA256()
        func field(_ s: String) { h.update(s); h.update("\u{1f}") }
        for c in data.corpus.chunks { field(c.id); field(c.title); field(c.text) }
        for split in QuestionSplit.allCases {
            field("split:" + split.rawValue)
            for e in data.splits[split] { field(e.id); field(e.question); field(e.answers.joined(separator: "\u{1e}")) }
        }
        return SHA256.hexString(h.finalize())
    }

    /// A model file's SHA-256 (a folder's `weights` file), or "tiny, seed N".
    static func modelDigest(_ model: String, weights: String?, root: URL, seed: UInt64) throws -> String {
        if model == NativeBackend.tiny { return "tiny, seed \(Int64(bitPattern: seed))" }
        var url = RunSettings.resolve(model, root: root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return "absent: \(url.path)" }
        if isDirectory.boolValue {
            guard let weights else { return "folder: \(url.path)" }
            url = url.appendingPathComponent(weights)
            guard FileManager.default.fileExists(atPath: url.path) else { return "absent: \(url.path)" }
        }
        return try ModelFetcher.sha256(of: url)
    }
}

/// A tuned component taken from another run (`lm.from_run`, `retriever.from_run`).
public struct AdoptedComponent {
    public var component: TunedComponent
    /// The checkpoint read.
    public var file: URL
    public var snapshot: TrainingSnapshot

    /// The components `settings` adopts, read from their checkpoints: a run folder gives
    /// its latest `ckpt-<step>.h5` (written when its training finished); a file is read
    /// as it is (a `best.h5` or a checkpoint).
    public static func load(_ settings: RunSettings, root: URL) throws -> [AdoptedComponent] {
        var out: [AdoptedComponent] = []
        for (component, path) in [(TunedComponent.lm, settings.lm.fromRun), (.retriever, settings.retriever.fromRun)] where !path.isEmpty {
            let file = try checkpoint(RunSettings.resolve(path, root: root), key: component.fromRunKey)
            out.append(AdoptedComponent(component: component, file: file,
                                        snapshot: try CheckpointFile.read(file, seed: settings.train.seed)))
        }
        return out
    }

    static func checkpoint(_ url: URL, key: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ConfigError.missingFile(key: key, path: url.path)
        }
        guard isDirectory.boolValue else { return url }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let latest = names.compactMap { n -> (Int, String)? in
            guard n.hasPrefix("ckpt-"), n.hasSuffix(".h5"), let s = Int(n.dropFirst(5).dropLast(3)) else { return nil }
            return (s, n)
        }.max { $0.0 < $1.0 }
        guard let latest else { throw RunError.noSourceCheckpoint(key: key, directory: url.path) }
        return url.appendingPathComponent(latest.1)
    }
}
