import Foundation
import RaditBase
import RaditTensor

/// How retrieved chunks become RA-IT instances.
public enum RAITMode: String, Codable, CaseIterable, Sendable {
    /// Each of the top-k chunks is its own instance (RA-DIT §2.3, k = 3 there).
    case separate
    /// The k chunks joined into one background, one instance per question.
    case concat
}

/// One RA-IT (LM-ft) instance: `prompt` + `completion` is the template filled in.
public struct RAITInstance: Codable, Equatable, Sendable {
    /// Content hash of (question, answer, chunk ids, template, mode, k, gold share, seed).
    public var id: String
    public var questionID: String
    public var question: String
    public var answer: String
    /// The chunk(s) in the background, in order.
    public var chunkIDs: [String]
    /// Retrieval rank (0-based) of the chunk in separate mode; nil in concat mode.
    public var rank: Int?
    /// True when a gold chunk was put in place of the lowest retrieved one.
    public var goldContext: Bool
    public var prompt: String
    public var completion: String
    public var k: Int
    public var mode: RAITMode
    public var oracleShare: Double
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case id, question, answer, rank, prompt, completion, k, mode, seed
        case questionID = "question_id", chunkIDs = "chunk_ids", goldContext = "gold_context", oracleShare = "gold_share"
    }
}

/// Builds RA-DIT LM-ft instances from retrieved chunks: for each question the top-k
/// chunks of a retriever, each filled into the template (or all k in `concat` mode). The
/// oracle share P (`OracleShare`): with probability P per question a gold chunk missing
/// from the top k replaces the k-th one, so that share of questions trains with the gold context.
public struct RAITBuilder {
    public let k: Int
    public let template: PromptTemplate
    public let mode: RAITMode
    public let oracleShare: Double
    public let seed: UInt64
    /// Separator between chunks in concat mode.
    public let separator: String

    public init(k: Int, template: PromptTemplate = .raDIT, mode: RAITMode = .separate, oracleShare: Double = 0,
                seed: UInt64, separator: String = "\n\n") throws {
        guard k >= 1 else { throw RaftError.invalidOption(name: "k", value: "\(k)", reason: "must be ≥ 1") }
        guard (0...1).contains(oracleShare) else {
            throw RaftError.invalidOption(name: "oracle_share", value: "\(oracleShare)", reason: "a probability in [0, 1] is needed")
        }
        self.k = k
        self.template = template
        self.mode = mode
        self.oracleShare = oracleShare
        self.seed = seed
        self.separator = separator
    }

    /// The key of a question's generator (the gold-context coin).
    func questionKey(_ e: Example) -> String {
        ["rait", e.id, e.question, e.answers.first ?? "", template.text, mode.rawValue, "\(k)", "\(oracleShare)"]
            .joined(separator: "\u{1e}")
    }

    public func build(_ examples: [Example], corpus: Corpus, retriever: any ChunkSearch,
                      progress: ProgressHandler = silentProgress) throws -> [RAITInstance] {
        var out: [RAITInstance] = []
        _ = try generate(examples, corpus: corpus, retriever: retriever, skip: { _ in false },
                         emit: { out.append($0) }, progress: progress)
        return out
    }

    /// Streams instances into `url`, resuming a partial file (see `ResumableJSONLWriter`).
    @discardableResult
    public func write(_ examples: [Example], corpus: Corpus, retriever: any ChunkSearch, to url: URL,
                      progress: ProgressHandler = silentProgress) throws -> GenerationSummary {
        struct Settings: Encodable {
            var kind = "rait", k: Int, template: String, mode: RAITMode, gold_share: Double, seed: UInt64, separator: String
        }
        let settings = try JSONLine.encode(Settings(k: k, template: template.text, mode: mode, gold_share: oracleShare,
                                                    seed: seed, separator: separator))
        var writer = try ResumableJSONLWriter(url: url, settings: settings)
        let existing = writer.writtenIDs
        var summary = try generate(examples, corpus: corpus, retriever: retriever, skip: { existing.contains($0) },
                                   emit: { try writer.append(try JSONLine.encode($0), id: $0.id) },
                                   progress: progress)
        summary.alreadyPresent = existing.count
        try writer.close(complete: summary.complete)
        return summary
    }

    private func generate(_ examples: [Example], corpus: Corpus, retriever: any ChunkSearch, skip: (String) -> Bool,
                          emit: (RAITInstance) throws -> Void, progress: ProgressHandler) throws -> GenerationSummary {
        var summary = GenerationSummary()
        let batch = 64
        var start = 0
        while start < examples.count {
            let slice = Array(examples[start..<min(start + batch, examples.count)])
            let found = try retriever.search(slice.map(\.question), k: k)
            for (i, e) in slice.enumerated() {
                let made = instances(e, corpus: corpus, retrieved: found.row(i))
                if made.isEmpty { summary.skipped += 1 }
                for inst in made where !skip(inst.id) {
                    try emit(inst)
                    summary.written += 1
                }
            }
            start += slice.count
            if progress(ProgressEvent(stage: "ra-it", done: start, total: examples.count, unit: "questions")) == .stop {
                summary.complete = start >= examples.count
                break
            }
        }
        return summary
    }

    /// The instances of one question (none without an answer).
    func instances(_ e: Example, corpus: Corpus, retrieved: [Int]) -> [RAITInstance] {
        guard let answer = e.answers.first, !retrieved.isEmpty else { return [] }
        var rng = RandomSource(seed: seed, key: questionKey(e))
        let gold = e.gold.filter { $0.grade > 0 }.compactMap { corpus.position(of: $0.id) }
        let (chunks, goldUsed) = OracleShare.apply(Array(retrieved.prefix(k)), gold: gold, share: oracleShare, rng: &rng)
        let goldSet = Set(gold)
        func make(_ positions: [Int], rank: Int?) -> RAITInstance {
            let background = positions.map { corpus[$0].indexedText }.joined(separator: separator)
            let ids = positions.map { corpus[$0].id }
            let key = [questionKey(e), ids.joined(separator: "\u{1f}"), rank.map(String.init) ?? "-", "\(seed)"]
                .joined(separator: "\u{1e}")
            return RAITInstance(id: "rait-" + SHA256.hex(key).prefix(20), questionID: e.id, question: e.question,
                                answer: answer, chunkIDs: ids, rank: rank,
                                goldContext: goldUsed && positions.contains(where: goldSet.contains),
                                prompt: template.prompt(background: background, question: e.question),
                                completion: template.completion(answer: answer),
                                k: k, mode: mode, oracleShare: oracleShare, seed: seed)
        }
        switch mode {
        case .separate: return chunks.enumerated().map { make([$0.element], rank: $0.offset) }
        case .concat: return [make(chunks, rank: nil)]
        }
    }
}
