/// The `format` root attribute of a Radit HDF5 file, with the layouts of DESIGN.md §6.
/// Layers that own a new kind of file add a constant in an extension beside their code.
public struct StoreFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Root attribute names of the convention (with `radit_version` and `created`).
    public static let formatAttribute = "format"
    public static let versionAttribute = "version"

    /// `runs/<name>/run.h5`: see `RunLayout`.
    public static let run = StoreFormat("radit.run")
    /// `runs/<name>/ckpt-<step>.h5`: see `CheckpointLayout`.
    public static let checkpoint = StoreFormat("radit.checkpoint")
    /// Cached `log p(y | c ∘ x)` scores keyed by content hashes (LSR targets).
    public static let lsrCache = StoreFormat("radit.lsr-cache")
    /// Corpus chunk embeddings `(Nd, D)` with chunk ids, resumable by rows.
    public static let embeddings = StoreFormat("radit.embeddings")
    /// A dense vector index (flat or ANN) with its parameters.
    public static let vectorIndex = StoreFormat("radit.vector-index")
    /// A BM25 index (vocabulary, postings, document lengths, k1/b).
    public static let bm25Index = StoreFormat("radit.bm25-index")
}

/// Paths inside `run.h5` (format `radit.run`).
public enum RunLayout {
    /// Root attribute: the git commit the run was made from.
    public static let gitCommitAttribute = "git_commit"
    /// `/config/toml`: the TOML text; `/config/resolved`: the resolved JSON.
    public static let config = "/config"
    public static let configTOML = "/config/toml"
    public static let configResolved = "/config/resolved"
    /// `/metrics/<series>`: per-step series (with a `step` dataset beside them).
    public static let metrics = "/metrics"
    /// `/results/<table>`: final tables.
    public static let results = "/results"
    /// `/data`: what the run read: `split/{train,dev,test}` question ids, `chunk_ids` and
    /// `chunk_documents` (source document of each chunk); attributes say how it was split.
    public static let data = "/data"
    /// `/provenance`: attributes holding the config, data and model digests, the
    /// checkpoints components were adopted from, and the evaluated parameters' digests.
    public static let provenance = "/provenance"
    /// `/predictions/<pass>/`: per-example records of each final evaluation pass
    /// (`base+base` … `LM-ft+closed-book`; columns as RaditEval's `ExampleRecords` lays them out).
    public static let predictions = "/predictions"
    /// `/judge/<pass>/`: judge metrics of a pass's predictions, one row per question
    /// (`radit judge`; RaditEval's `JudgeColumns`), with the judge's name and counts as attributes.
    public static let judge = "/judge"
}

/// Paths inside `ckpt-<step>.h5` (format `radit.checkpoint`).
public enum CheckpointLayout {
    /// `/params/<name>`: every parameter tensor with its shape.
    public static let params = "/params"
    /// `/optim/m/<name>`, `/optim/v/<name>`: AdamW moments, same names and shapes.
    public static let optimM = "/optim/m"
    public static let optimV = "/optim/v"
    /// `/state`: step, RNG state, data cursor, best score (as attributes or datasets).
    public static let state = "/state"

    /// `ckpt-<step>.h5`, zero-padded so names sort by step.
    public static func fileName(step: Int) -> String {
        let digits = String(step)
        return "ckpt-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".h5"
    }
}
