import Foundation
import RaditBase
import RaditData
import RaditText
import RaditTuning

/// The corpus and the train/dev/test questions of an experiment (DESIGN §5: splits by
/// question; results on test, checkpoints chosen on dev).
public struct ExperimentData: Sendable {
    /// The dataset's name (file or folder), or `synthkb-<seed>`.
    public var name: String
    /// The indexed chunks (documents cut by `data.chunk_tokens` when set).
    public var corpus: Corpus
    /// Source document id of each chunk, by corpus position.
    public var documents: [String]
    public var splits: SplitQuestions
    /// Questions left out because they have no answer (SQuAD v2 unanswerable, say).
    public var withoutAnswers: Int

    public init(name: String, corpus: Corpus, documents: [String]? = nil, splits: SplitQuestions, withoutAnswers: Int = 0) {
        self.name = name
        self.corpus = corpus
        self.documents = documents ?? corpus.chunks.map(\.id)
        self.splits = splits
        self.withoutAnswers = withoutAnswers
    }

    /// Reads `data.source`: the dataset's own splits where it has them (SynthKB
    /// train/dev/test; BEIR qrels files), otherwise a split by question seeded by
    /// `data.split_seed`; an own train split without dev gives `data.dev_fraction` of it to
    /// dev. `tokenCount` measures chunk lengths in retriever tokens.
    public static func load(_ settings: RunSettings, root: URL, tokenCount: @escaping @Sendable (Substring) -> Int,
                            progress: ProgressHandler = silentProgress) throws -> ExperimentData {
        let s = settings.data
        let path = s.path.isEmpty ? "" : RunSettings.resolve(s.path, root: root).path
        var name: String
        var corpus: Corpus
        var own: [QuestionSplit: [Example]] = [:]
        var pool: [Example] = []
        switch s.source {
        case .synthkb where path.isEmpty:
            let kb = try SynthKB.generate(SynthKBConfig(entities: s.entities, seed: s.seed), progress: progress)
            name = "synthkb-\(s.seed)"
            corpus = kb.corpus
            for split in SynthSplit.allCases { own[QuestionSplit(split)] = kb.examples(split) }
        case .synthkb:
            guard SynthKBFolder.isSynthKB(path) else { throw ExperimentDataError.notSynthKB(path: path) }
            var c = Corpus()
            for split in SynthSplit.allCases {
                let d = try SynthKBFolder.read(path, split: split).dataset
                c = d.corpus
                own[QuestionSplit(split)] = d.queries.examples
            }
            name = lastComponent(path)
            corpus = c
        case .beir:
            let present = QuestionSplit.allCases.filter {
                FileManager.default.fileExists(atPath: path + "/qrels/\($0.rawValue).tsv")
            }
            guard !present.isEmpty else { throw ExperimentDataError.noQrels(path: path) }
            var c = Corpus()
            for split in present {
                let d = try DatasetReader.read(path, format: .beir, options: ReadOptions(split: split.rawValue))
                c = d.corpus
                own[split] = d.queries.examples
            }
            name = lastComponent(path)
            corpus = c
        case .squad, .hotpotqa, .nq, .folder:
            // One file without split labels: its questions are drawn into splits.
            let d = try DatasetReader.read(path, format: s.source.format)
            name = d.name
            corpus = d.corpus
            pool = d.queries.examples
        }
        return try finish(name: name, corpus: corpus, own: own, pool: pool, settings: settings, tokenCount: tokenCount)
    }

    /// Kinds filter (SynthKB), answers check, splits, chunking and limits.
    static func finish(name: String, corpus source: Corpus, own rawOwn: [QuestionSplit: [Example]], pool rawPool: [Example],
                       settings: RunSettings, tokenCount: @escaping @Sendable (Substring) -> Int) throws -> ExperimentData {
        let s = settings.data
        var withoutAnswers = 0
        func usable(_ examples: [Example]) -> [Example] {
            var kept = examples
            if s.source == .synthkb {
                let kinds = Set(s.questionKinds.map(\.rawValue))
                kept = kept.filter { kinds.contains($0.metadata["kind"] ?? "") }
            }
            let answered = kept.filter { !$0.answers.isEmpty }
            withoutAnswers += kept.count - answered.count
            return answered
        }
        let own = rawOwn.mapValues(usable)
        let pool = usable(rawPool)
        let total = own.values.reduce(0) { $0 + $1.count } + pool.count
        if total == 0 {
            if withoutAnswers > 0 { throw ExperimentDataError.noAnswers(source: s.source.rawValue, questions: withoutAnswers) }
            throw ExperimentDataError.noQuestions(path: s.path, source: s.source.rawValue)
        }
        var splits: SplitQuestions
        if let train = own[.train], !train.isEmpty {
            let ownSplits = QuestionSplit.allCases.filter { own[$0] != nil }
            if let dev = own[.dev], !dev.isEmpty {
                splits = SplitQuestions(train: train, dev: dev, test: own[.test] ?? [], ownSplits: ownSplits, seed: s.splitSeed)
            } else {
                let carved = SplitQuestions.drawn(train, devFraction: s.devFraction, testFraction: 0, seed: s.splitSeed)
                splits = SplitQuestions(train: carved.train, dev: carved.dev, test: own[.test] ?? [],
                                        ownSplits: ownSplits.filter { $0 != .dev }, seed: s.splitSeed)
            }
        } else {
            // No own training split: every question is drawn into train/dev/test.
            let all = QuestionSplit.allCases.flatMap { own[$0] ?? [] } + pool
            splits = SplitQuestions.drawn(all, devFraction: s.devFraction, testFraction: s.testFraction, seed: s.splitSeed)
        }
        for (split, limit) in [(QuestionSplit.train, s.trainLimit), (.dev, s.devLimit), (.test, s.testLimit)] where limit > 0 {
            splits[split] = Array(splits[split].prefix(limit))
        }
        guard s.chunkTokens > 0 else {
            return ExperimentData(name: name, corpus: source, splits: splits, withoutAnswers: withoutAnswers)
        }
        let chunker = try Chunker(size: .tokens(s.chunkTokens), overlap: s.chunkOverlap, tokenCount: tokenCount)
        let chunked = try source.chunked(by: chunker, ids: .numberedWhenSplit)
        for split in QuestionSplit.allCases { splits[split] = chunked.relabel(splits[split]) }
        return ExperimentData(name: name, corpus: chunked, documents: chunked.chunks.map(\.document), splits: splits,
                              withoutAnswers: withoutAnswers)
    }

    static func lastComponent(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
}

extension QuestionSplit {
    init(_ s: SynthSplit) {
        switch s {
        case .train: self = .train
        case .dev: self = .dev
        case .test: self = .test
        }
    }
}

/// Data a run cannot use, with what it needs instead.
public enum ExperimentDataError: RaditError, Equatable {
    case noAnswers(source: String, questions: Int)
    case noQuestions(path: String, source: String)
    case noQrels(path: String)
    case notSynthKB(path: String)
    case allSplitsNeedSynthKB(path: String)

    public var message: String {
        switch self {
        case let .noAnswers(source, n):
            return "the \(source) data has \(n) questions but none with an answer; `radit run` trains and scores the LM on answers: give questions with answers (SQuAD/HotpotQA/NQ-open answers, or BEIR queries with `metadata.answers`, as `radit generate synthkb` writes them)"
        case let .noQuestions(path, source):
            return "\(path): the \(source) data has no questions; `radit run` needs questions with answers beside the corpus (a BEIR folder with queries.jsonl and qrels, SQuAD, HotpotQA or NQ-open); a text folder is a corpus only"
        case let .noQrels(path):
            return "\(path): a BEIR folder needs qrels/train.tsv, qrels/dev.tsv or qrels/test.tsv"
        case let .notSynthKB(path):
            return "\(path) is not a `radit generate synthkb` folder (no synthkb.json); use data.source = \"beir\" for other BEIR folders"
        case let .allSplitsNeedSynthKB(path):
            return "--split all reads every split of a SynthKB folder; \(path) is not one: name the split to read (--split train, dev or test)"
        }
    }
}
