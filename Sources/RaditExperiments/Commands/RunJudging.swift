import Foundation
import RaditBase
import RaditData
import RaditEval
import RaditRemote
import RaditRetrieval
import RaditStore
import RaditText

/// The judge model of `radit judge`: a chat model behind an OpenAI-compatible API, and the
/// request cache that makes a rerun pay nothing.
public struct JudgeSettings: Sendable {
    /// Base URL including the version path (`http://127.0.0.1:8080/v1`).
    public var baseURL: String
    public var model: String
    /// Environment variable holding the API key ('' for a server without keys).
    public var apiKeyEnvironment = "OPENAI_API_KEY"
    /// Seconds per request.
    public var timeout = 120.0
    public var maxConcurrency = 4
    /// HTTP attempts per request (429, 5xx and transport errors retried with backoff).
    public var maxAttempts = 5
    /// max_tokens per judge reply.
    public var maxTokens = 512
    /// The JSON-lines request cache; nil: `judge-cache.jsonl` in each run or sweep folder.
    public var cache: URL?

    public init(baseURL: String, model: String) {
        self.baseURL = baseURL
        self.model = model
    }

    public var endpoint: RemoteEndpoint {
        .configured(baseURL: baseURL, model: model, apiKeyEnvironment: apiKeyEnvironment, timeout: timeout,
                    maxConcurrency: maxConcurrency, maxAttempts: maxAttempts, names: .flags(url: "--judge-url"))
    }

    func check() throws {
        try RemoteEndpoint.checkChatOptions(prefix: "judge", baseURL: baseURL, model: model, timeout: timeout,
                                            maxConcurrency: maxConcurrency, maxAttempts: maxAttempts, maxTokens: maxTokens)
    }
}

/// What embeds answers for answer_similarity.
public enum JudgeEmbeddings: String, Sendable, CaseIterable {
    /// The run's base retriever (its frozen document encoder), as `radit run` built it.
    case retriever
    /// No embeddings: answer_similarity is not computed, answer_correctness is factual F1 only.
    case none
}

/// Why `radit judge` cannot run.
public enum JudgeCommandError: RaditError, Equatable {
    case unknownPass(run: String, pass: String, passes: [String])
    case unknownQuestion(run: String, id: String)

    public var message: String {
        switch self {
        case let .unknownPass(run, pass, passes):
            return "\(run): no evaluation pass '\(pass)'; --pass takes one of \(passes.joined(separator: ", "))"
        case let .unknownQuestion(run, id):
            return "\(run): question '\(id)' of the run's predictions is not in its data any more (data.path changed since the run?); restore the data the run read, or judge a run of the current data"
        }
    }
}

/// `radit judge RUN_OR_SWEEP`: RAGAS-style judge metrics (answer_similarity,
/// answer_correctness, faithfulness; `AnswerJudge`) for every evaluation pass of finished
/// runs, written beside the predictions as `run.h5:/judge/<pass>/` into a copy of run.h5
/// that replaces it only when complete. Questions, gold answers and the prompt's chunks
/// come from the run's own data and records; every judge reply goes through a request
/// cache keyed by content, so a rerun (or a sweep whose cells share passes) pays nothing.
public struct RunJudging {
    public var paths: [URL]
    public var judge: JudgeSettings
    /// Passes to judge (`base+base`, `LM-ft+R-ft`, …); empty: every pass.
    public var passes: [String] = []
    /// Folder holding `answer_correctness.txt` and `faithfulness.txt`.
    public var prompts: URL
    public var embeddings = JudgeEmbeddings.retriever
    /// Resolves the runs' relative paths (models, data), as `radit run` did.
    public var root: URL
    public var environment = ProcessInfo.processInfo.environment

    public init(paths: [URL], judge: JudgeSettings, prompts: URL, root: URL) {
        self.paths = paths
        self.judge = judge
        self.prompts = prompts
        self.root = root
    }

    /// One judged pass.
    public struct Judged: Sendable {
        public var run: String
        public var pass: String
        public var tally: JudgeTally
    }

    /// What the command did.
    public struct Report: Sendable {
        public var judged: [Judged] = []
        public var usage = ChatUsage()
        /// Sweep cells left out because they have not finished.
        public var unfinished: [String] = []
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> Report {
        try judge.check()
        let templates = try JudgePrompts.load(directory: prompts)
        let promptsSHA = SHA256.hex(templates.correctness + "\u{0}" + templates.faithfulness)
        var report = Report()
        var usage = ChatUsage()
        for path in paths {
            let (runs, unfinished, folder) = try Self.runFolders(path)
            report.unfinished += unfinished
            let cache = try RequestCache(url: judge.cache ?? folder.appendingPathComponent("judge-cache.jsonl"))
            let chat = CachedChat(endpoint: judge.endpoint, cache: cache, environment: environment)
            for run in runs {
                report.judged += try judgeRun(run, chat: chat, templates: templates, promptsSHA: promptsSHA,
                                              usage: &usage, progress: progress)
            }
        }
        report.usage = usage
        return report
    }

    /// A run folder, or a sweep's finished cells; the folder that holds the default cache.
    static func runFolders(_ path: URL) throws -> (runs: [URL], unfinished: [String], folder: URL) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path.path, isDirectory: &isDir), isDir.boolValue else {
            throw AnalysisError.notARunOrSweep(path: path.path)
        }
        if StoredRun.isRun(path) {
            guard RunFile.isComplete(path) else { throw AnalysisError.unfinished(run: path.path) }
            return ([path], [], path)
        }
        let cells = try fm.contentsOfDirectory(at: path, includingPropertiesForKeys: nil)
            .filter { StoredRun.isRun($0) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !cells.isEmpty else { throw AnalysisError.notARunOrSweep(path: path.path) }
        let done = cells.filter { RunFile.isComplete($0) }
        guard !done.isEmpty else { throw AnalysisError.unfinished(run: cells[0].path) }
        return (done, cells.filter { !RunFile.isComplete($0) }.map(\.path), path)
    }

    /// Judges one run's passes; adds the requests its passes needed to `usage` (scoring
    /// afterwards reads the replies back from the cache and is not counted again).
    func judgeRun(_ directory: URL, chat: CachedChat, templates: JudgePrompts, promptsSHA: String,
                  usage: inout ChatUsage, progress: ProgressHandler) throws -> [Judged] {
        // The run's lock: no `radit run --resume` rewrites run.h5 while the judge does.
        let run = try ExperimentRun(resume: directory, root: root)
        let runFile = directory.appendingPathComponent("run.h5")
        let stored = try RunFile.readPasses(runFile)
        let names = stored.map(\.name)
        for p in passes where !names.contains(p) {
            throw JudgeCommandError.unknownPass(run: directory.path, pass: p, passes: names)
        }
        let chosen = passes.isEmpty ? stored : stored.filter { passes.contains($0.name) }
        let settings = run.settings
        let retriever = try NativeBackend.retriever(settings, root: root)
        let codec = retriever.queries.codec
        let data = try ExperimentData.load(settings, root: root, tokenCount: { codec.encode(String($0), special: false).count })
        var questions: [String: String] = [:]
        for split in QuestionSplit.allCases { for e in data.splits[split] { questions[e.id] = e.question } }

        let embed: JudgeEmbedder?
        let embedderName: String
        switch embeddings {
        case .none:
            embed = nil
            embedderName = "none"
        case .retriever:
            let box = EncoderBox(retriever.documents)
            embed = { texts in try box.embed(texts) }
            embedderName = "retriever:\(settings.retriever.model)"
        }
        let answerJudge = AnswerJudge(model: OpenAIJudge(chat: chat, maxTokens: judge.maxTokens), embed: embed, prompts: templates)
        let openAIJudge = OpenAIJudge(chat: chat, maxTokens: judge.maxTokens)
        var out: [(pass: String, scores: [JudgeScore], judgement: PassJudgement)] = []
        var judged: [Judged] = []
        for pass in chosen {
            let items = try pass.records.records.map { r -> JudgeItem in
                guard let q = questions[r.id] else { throw JudgeCommandError.unknownQuestion(run: directory.path, id: r.id) }
                return JudgeItem(id: r.id, question: q, prediction: r.prediction, golds: r.golds,
                                 contexts: r.contextIDs.compactMap { data.corpus[id: $0]?.indexedText })
            }
            // Send the pass's prompts ahead, `maxConcurrency` at a time, into the cache;
            // scoring then reads every reply from it.
            let requests = answerJudge.requests(items).map(openAIJudge.request)
            let before = chat.usage
            let batch = max(1, judge.maxConcurrency * 4)
            var sent = 0
            while sent < requests.count {
                let slice = Array(requests[sent..<min(requests.count, sent + batch)])
                for result in try chat.chat(slice) {
                    if case .failure(let error) = result { throw error }
                }
                sent += slice.count
                let u = chat.usage
                let event = ProgressEvent(stage: "judge \(pass.name)", done: sent, total: requests.count, unit: "requests",
                                          metrics: [("sent", Double(u.sent)), ("cached", Double(u.cached)),
                                                    ("tokens", Double(u.promptTokens + u.completionTokens))])
                if progress(event) == .stop { throw TeacherStop.stopped }
            }
            usage.add(chat.usage, since: before)
            let (scores, tally) = try answerJudge.score(items)
            let judgement = PassJudgement(model: judge.model, url: chat.endpoint.baseURL, embedder: embedderName,
                                          promptsSHA256: promptsSHA, created: ISO8601DateFormatter().string(from: Date()),
                                          tally: tally)
            out.append((pass.name, scores, judgement))
            judged.append(Judged(run: directory.path, pass: pass.name, tally: tally))
        }
        try withExtendedLifetime(run) { try JudgeStore.write(runFile, out) }
        return judged
    }
}

/// The run's document encoder as a judge embedder. `radit judge` calls it from one thread
/// at a time (scoring is sequential), which is what makes the unchecked Sendable safe.
final class EncoderBox: @unchecked Sendable {
    let encoder: SentenceEncoder<Float>
    init(_ encoder: SentenceEncoder<Float>) { self.encoder = encoder }

    func embed(_ texts: [String]) throws -> [[Float]] {
        let d = encoder.dimension
        let flat = try encoder.encode(texts) // (N, D)
        return (0..<texts.count).map { Array(flat[($0 * d)..<(($0 + 1) * d)]) }
    }
}

extension ChatUsage {
    /// Adds what `now` counted since `before` (two readings of one client's usage).
    mutating func add(_ now: ChatUsage, since before: ChatUsage) {
        sent += now.sent - before.sent
        cached += now.cached - before.cached
        failed += now.failed - before.failed
        promptTokens += now.promptTokens - before.promptTokens
        completionTokens += now.completionTokens - before.completionTokens
    }
}
