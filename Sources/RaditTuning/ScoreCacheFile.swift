import Foundation
import RaditStore

/// The LSR cache on disk (format `radit.lsr-cache`): `/keys` (N) hex content keys, `/logp`
/// (N) Σ log p, `/tokens` (N) answer token counts, sorted by key. Saved atomically.
public enum ScoreCacheFile {
    public static let version = 1

    public static func write(_ cache: ScoreCache, to url: URL) throws {
        let keys = cache.entries.keys.sorted()
        try StoreFile.writeAtomically(to: url, format: .lsrCache, version: version) { file in
            try file.createDataset("keys", strings: keys.map(\.hex))
            try file.createDataset("logp", values: keys.map { cache.entries[$0]!.sum })
            try file.createDataset("tokens", values: keys.map { Int64(cache.entries[$0]!.tokens) })
        }
        cache.markSaved()
    }

    /// An empty cache when the file does not exist yet.
    public static func read(_ url: URL) throws -> ScoreCache {
        guard FileManager.default.fileExists(atPath: url.path) else { return ScoreCache() }
        let file = try StoreFile.open(url, expecting: .lsrCache, versions: version...version)
        defer { try? file.close() }
        let keys = try file.readStrings("keys")
        let logp = try file.read("logp", as: Double.self, shape: [keys.count])
        let tokens = try file.read("tokens", as: Int64.self, shape: [keys.count])
        var entries: [ScoreKey: AnswerLogProb] = [:]
        for i in keys.indices { entries[ScoreKey(hex: keys[i])] = AnswerLogProb(sum: logp[i], tokens: Int(tokens[i])) }
        return ScoreCache(entries: entries)
    }

    /// Writes `cache` together with the entries already in `url` that it lacks (a cache
    /// shared by several runs), atomically; `cache` gains those entries.
    public static func merge(_ cache: ScoreCache, into url: URL) throws {
        for (key, value) in try read(url).entries where cache[key] == nil { cache.insert(value, for: key) }
        try write(cache, to: url)
    }
}
