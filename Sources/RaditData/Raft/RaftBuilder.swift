import Foundation
import RaditBase
import RaditTensor

/// Builds RAFT instances (Zhang et al. 2024): for each question, with probability P the
/// oracle chunk(s) plus n distractors, otherwise n + |gold| distractors only (the document
/// count never reveals whether the oracle is there); documents shuffled; a CoT answer that
/// quotes the supporting sentences verbatim. Every random choice comes from
/// `RandomSource(seed:key: instance id)`.
public struct RaftBuilder {
    /// P, the oracle share: the probability an instance holds the gold chunk(s) (RAFT's
    /// `--p`; `train.oracle_share` in a run config).
    public let oracleShare: Double
    public let distractors: Int
    public let seed: UInt64
    /// The target of the 1 − P instances without the oracle.
    public let noOracleAnswer: RaftNoOracleAnswer

    /// P and n are required: RAFT's script silently defaulted `--p`, so this one never does.
    public init(oracleShare: Double, distractors: Int, seed: UInt64,
                noOracleAnswer: RaftNoOracleAnswer = .sameAnswer) throws {
        guard (0...1).contains(oracleShare) else {
            throw RaftError.invalidOption(name: "p", value: "\(oracleShare)", reason: "a probability in [0, 1] is needed")
        }
        guard distractors >= 0 else {
            throw RaftError.invalidOption(name: "distractors", value: "\(distractors)", reason: "must be ≥ 0")
        }
        self.oracleShare = oracleShare
        self.distractors = distractors
        self.seed = seed
        self.noOracleAnswer = noOracleAnswer
    }

    /// The instance id of a question under this configuration (its generator's key).
    public func instanceID(_ e: Example, source: DistractorSourceKind) -> String {
        let gold = e.gold.filter { $0.grade > 0 }.map(\.id).joined(separator: "\u{1f}")
        let key = ["raft", e.id, e.question, e.answers.first ?? "", gold, "\(oracleShare)",
                   "\(distractors)", source.rawValue, "\(seed)", noOracleAnswer.rawValue].joined(separator: "\u{1e}")
        return "raft-" + SHA256.hex(key).prefix(20)
    }

    /// All instances in question order; questions without an answer or without a gold
    /// chunk in the corpus are skipped (counted by `write`). `teacherAnswers` (question id
    /// → a validated CoT answer written by a teacher LM) replaces the built CoT answer.
    public func build(_ examples: [Example], corpus: Corpus, source: DistractorSource,
                      supporting: SupportingSentences = [:], teacherAnswers: [String: String] = [:],
                      progress: ProgressHandler = silentProgress) throws -> [RaftInstance] {
        var out: [RaftInstance] = []
        _ = try generate(examples, corpus: corpus, source: source, supporting: supporting, teacherAnswers: teacherAnswers,
                         skip: { _ in false }, emit: { out.append($0) }, progress: progress)
        return out
    }

    /// Streams instances into `url` (JSON lines), resuming a partial file: instances
    /// already there are not rebuilt. The file is renamed into place when complete.
    /// `teacher` names the model that wrote `teacherAnswers` (recorded with the settings,
    /// so one file never mixes teacher-written and built answers).
    @discardableResult
    public func write(_ examples: [Example], corpus: Corpus, source: DistractorSource,
                      supporting: SupportingSentences = [:], teacher: String? = nil, teacherAnswers: [String: String] = [:],
                      to url: URL, progress: ProgressHandler = silentProgress) throws -> GenerationSummary {
        struct Settings: Encodable {
            var kind = "raft", p: Double, distractors: Int, distractor_source: DistractorSourceKind, seed: UInt64
            var no_oracle_answer: RaftNoOracleAnswer
            var teacher: String?
        }
        let settings = try JSONLine.encode(Settings(p: oracleShare, distractors: distractors,
                                                    distractor_source: source.kind, seed: seed,
                                                    no_oracle_answer: noOracleAnswer, teacher: teacher))
        var writer = try ResumableJSONLWriter(url: url, settings: settings)
        let existing = writer.writtenIDs
        var summary = try generate(examples, corpus: corpus, source: source, supporting: supporting,
                                   teacherAnswers: teacherAnswers, skip: { existing.contains($0) },
                                   emit: { try writer.append(try JSONLine.encode($0), id: $0.id) },
                                   progress: progress)
        summary.alreadyPresent = existing.count
        try writer.close(complete: summary.complete)
        return summary
    }

    private func generate(_ examples: [Example], corpus: Corpus, source: DistractorSource,
                          supporting: SupportingSentences, teacherAnswers: [String: String], skip: (String) -> Bool,
                          emit: (RaftInstance) throws -> Void, progress: ProgressHandler) throws -> GenerationSummary {
        var summary = GenerationSummary()
        var retriever: (any ChunkSearch)? = nil
        if case let .retrieved(r, _) = source { retriever = r }
        let batch = 64
        var start = 0
        while start < examples.count {
            let slice = Array(examples[start..<min(start + batch, examples.count)])
            let todo = slice.filter { !skip(instanceID($0, source: source.kind)) }
            let maxGold = todo.map { $0.gold.count }.max() ?? 0
            let ranked = try retriever?.search(todo.map(\.question), k: distractors + 2 * maxGold + 1)
            for (i, e) in todo.enumerated() {
                if let instance = try instance(e, corpus: corpus, source: source.kind,
                                               hardNegatives: ranked?.row(i),
                                               supporting: supporting[e.id], teacherAnswer: teacherAnswers[e.id]) {
                    try emit(instance)
                    summary.written += 1
                } else {
                    summary.skipped += 1
                }
            }
            start += slice.count
            if progress(ProgressEvent(stage: "raft", done: start, total: examples.count, unit: "questions")) == .stop {
                summary.complete = start >= examples.count
                break
            }
        }
        return summary
    }

    /// One instance, or nil when the question has no answer or no gold chunk in the corpus.
    func instance(_ e: Example, corpus: Corpus, source: DistractorSourceKind, hardNegatives: [Int]?,
                  supporting: [String]?, teacherAnswer: String? = nil) throws -> RaftInstance? {
        guard let answer = e.answers.first else { return nil }
        let gold = e.gold.filter { $0.grade > 0 }.compactMap { corpus.position(of: $0.id) }
        guard !gold.isEmpty else { return nil }
        let id = instanceID(e, source: source)
        var rng = RandomSource(seed: seed, key: id)
        let oracle = rng.bernoulli(oracleShare)
        let count = oracle ? distractors : distractors + gold.count
        let goldSet = Set(gold)
        var chosen: [Int] = []
        var taken = goldSet
        for p in hardNegatives ?? [] where chosen.count < count && !taken.contains(p) {
            chosen.append(p); taken.insert(p)
        }
        // Random distractors (and the fill for a short hard-negative list).
        let available = corpus.count - goldSet.count
        guard available >= count else {
            throw RaftError.tooFewChunks(questionID: e.id, needed: count, available: available)
        }
        while chosen.count < count {
            let p = rng.int(below: corpus.count)
            if !taken.contains(p) { chosen.append(p); taken.insert(p) }
        }
        var positions = (oracle ? gold : []) + chosen
        rng.shuffle(&positions)
        let documents = positions.map { InstanceDocument(corpus[$0]) }

        // The quotes come from the oracle whether or not this instance shows it: RAFT's
        // 1 − P instances keep the question's CoT answer, so the model learns to answer
        // (and cite) from memory. Only sentences verbatim in a gold chunk are quoted.
        let given = supporting ?? []
        let candidates = given.isEmpty
            ? gold.compactMap { SentenceLocator.answerSentence(in: corpus[$0].text, answers: e.answers) }
            : given
        let quotes = candidates.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { q in !q.isEmpty && gold.contains { corpus[$0].text.contains(q) } }
        let cot = oracle || noOracleAnswer == .sameAnswer
            ? teacherAnswer ?? RaftFormat.cotAnswer(answer: answer, quotes: quotes)
            : RaftFormat.noneOfTheDocumentsAnswer(answer: answer)
        return RaftInstance(id: id, questionID: e.id, question: e.question, answer: answer,
                            goldIDs: gold.map { corpus[$0].id }, documents: documents, oracleIncluded: oracle,
                            cotAnswer: cot,
                            instruction: RaftFormat.instruction(documents: documents, question: e.question),
                            oracleShare: oracleShare, distractors: distractors,
                            distractorSource: source, seed: seed, noOracleAnswer: noOracleAnswer)
    }
}

/// What RAFT instances without the oracle are trained to answer.
public enum RaftNoOracleAnswer: String, Codable, CaseIterable, Sendable {
    /// The same CoT answer as the question's oracle instances, quotes included (RAFT §3
    /// and the gorilla `raft.py` code): the model learns to answer from memory.
    case sameAnswer = "same_answer"
    /// Radit's variant: the reason says that none of the documents answers the question.
    case noneOfTheDocuments = "none_of_the_documents"
}
