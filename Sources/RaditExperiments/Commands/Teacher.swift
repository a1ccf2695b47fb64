import Foundation
import RaditBase
import RaditData
import RaditRemote

/// The teacher LM of `radit generate questions` and `radit generate raft --teacher remote`:
/// a model behind an OpenAI-compatible API, how to sample it, what its tokens cost (for the
/// estimate), and the request cache that makes a rerun or a crash never pay twice.
public struct TeacherSettings: Sendable {
    /// Base URL including the version path (`http://127.0.0.1:8080/v1`).
    public var baseURL: String
    public var model: String
    /// Environment variable holding the API key ('' for a server without keys).
    public var apiKeyEnvironment: String
    /// Seconds per request.
    public var timeout: Double
    public var maxConcurrency: Int
    /// HTTP attempts per request (429, 5xx and transport errors retried with backoff).
    public var maxAttempts: Int
    /// Sampling temperature of a first answer; retries of an answer that failed validation
    /// sample at `retryTemperature` with a new seed.
    public var temperature: Double
    public var retryTemperature: Double
    public var maxTokens: Int
    /// Prices per million prompt / completion tokens, for the cost estimate (0: unknown).
    public var promptPrice: Double
    public var completionPrice: Double
    /// The JSON-lines request cache.
    public var cache: URL

    /// The defaults every teacher command shows (the CLI reads them from here).
    public static let defaults = TeacherSettings(baseURL: "", model: "", cache: URL(fileURLWithPath: "teacher-cache.jsonl"))

    public init(baseURL: String, model: String, apiKeyEnvironment: String = "OPENAI_API_KEY", timeout: Double = 120,
                maxConcurrency: Int = 4, maxAttempts: Int = 5, temperature: Double = 0, retryTemperature: Double = 0.7,
                maxTokens: Int = 512, promptPrice: Double = 0, completionPrice: Double = 0, cache: URL) {
        self.baseURL = baseURL; self.model = model; self.apiKeyEnvironment = apiKeyEnvironment; self.timeout = timeout
        self.maxConcurrency = maxConcurrency; self.maxAttempts = maxAttempts; self.temperature = temperature
        self.retryTemperature = retryTemperature; self.maxTokens = maxTokens; self.promptPrice = promptPrice
        self.completionPrice = completionPrice; self.cache = cache
    }

    public var endpoint: RemoteEndpoint {
        .configured(baseURL: baseURL, model: model, apiKeyEnvironment: apiKeyEnvironment, timeout: timeout,
                    maxConcurrency: maxConcurrency, maxAttempts: maxAttempts, names: .flags(url: "--teacher-url"))
    }

    /// Checks the settings and opens the cache.
    func open(environment: [String: String]) throws -> CachedChat {
        try RemoteEndpoint.checkChatOptions(prefix: "teacher", baseURL: baseURL, model: model, timeout: timeout,
                                            maxConcurrency: maxConcurrency, maxAttempts: maxAttempts, maxTokens: maxTokens)
        return CachedChat(endpoint: endpoint, cache: try RequestCache(url: cache), environment: environment)
    }

    /// One chat request: `attempt` 0 samples at `temperature`, later attempts at
    /// `retryTemperature` with the attempt as seed (so each attempt has its own cache key).
    func request(system: String, user: String, attempt: Int = 0) -> ChatCompletionRequest {
        ChatCompletionRequest(model: model,
                              messages: [OpenAIChatMessage(role: "system", content: system),
                                         OpenAIChatMessage(role: "user", content: user)],
                              maxTokens: maxTokens, temperature: attempt == 0 ? temperature : retryTemperature,
                              seed: attempt == 0 ? nil : UInt64(attempt))
    }
}

/// Why a teacher command cannot run.
public enum TeacherError: RaditError, Equatable {
    case invalidOption(name: String, reason: String)
    /// No reply held a usable question; nothing was written.
    case noQuestions(chunks: Int, shortReplies: Int, dropped: Int)
    /// Every teacher answer failed validation; nothing was written.
    case noValidAnswers(questions: Int, dropped: [String: Int])

    public var message: String {
        switch self {
        case let .invalidOption(name, reason): return "--\(name): \(reason)"
        case let .noQuestions(chunks, short, dropped):
            return "the teacher wrote no usable question for \(chunks) chunks (\(short) replies without enough lines ending in \"?\", \(dropped) dropped as evaluation questions or repeats); nothing was written. Check --teacher-model, or raise --teacher-max-tokens"
        case let .noValidAnswers(n, dropped):
            return "none of the teacher's answers to \(n) questions passed validation ("
                + dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + "); nothing was written. A teacher must quote the context between ##begin_quote## and ##end_quote## and end with <ANSWER>:"
        }
    }
}

/// What the teacher cost, for the report and the progress line.
public struct TeacherReport: Sendable, Equatable {
    public var usage = ChatUsage()
    /// Answers kept (validated) and dropped after every attempt failed, by reason.
    public var kept = 0
    public var dropped: [String: Int] = [:]
    /// Answers that failed validation and were asked again.
    public var retried = 0
    /// Requests that failed after the HTTP retries (not cached: a rerun asks again).
    public var failed = 0
    public var estimatedCost = 0.0
    public init() {}

    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    /// `requests sent, cached, tokens, cost` as a progress event's metrics.
    static func metrics(_ u: ChatUsage, _ s: TeacherSettings) -> [(ProgressMetric, Double)] {
        [("requests", Double(u.sent)), ("cached", Double(u.cached)),
         ("tokens", Double(u.promptTokens + u.completionTokens)),
         ("cost", u.cost(promptPrice: s.promptPrice, completionPrice: s.completionPrice))]
    }
}

/// The teacher prompts of the RAFT code (gorilla `raft.py`), with the question count and
/// the one-question-per-line format spelled out.
public enum TeacherPrompts {
    public static func questionsSystem(_ n: Int) -> String {
        "You are a synthetic question-answer pair generator. Given a chunk of context about some topic(s), generate \(n) example questions a user could ask and would be answered using information from the chunk. For example, if the given context was a Wikipedia paragraph about the United States, an example question could be 'How many states are in the United States?'. Write exactly \(n) questions, one per line, and nothing else."
    }

    public static func questionsUser(_ chunk: Chunk) -> String {
        (chunk.title.isEmpty ? "" : chunk.title + "\n") + chunk.text
    }

    public static let answerSystem = "You are a helpful question answerer who can provide an answer given a question and relevant context."

    public static func answerUser(question: String, context: String) -> String {
        """
        Question: \(question)
        Context: \(context)

        Answer this question using the information given in the context above. Here is things to pay attention to:
        - First provide step-by-step reasoning on how to answer the question.
        - In the reasoning, if you need to copy paste some sentences from the context, include them in \(RaftFormat.beginQuote) and \(RaftFormat.endQuote). This would mean that things outside of \(RaftFormat.beginQuote) and \(RaftFormat.endQuote) are not directly copy paste from the context.
        - End your response with final answer in the form \(RaftFormat.answerTag) $answer, the answer should be succinct.
        You MUST begin your final answer with the tag "\(RaftFormat.answerTag)".
        """
    }

    /// The questions of a teacher's reply: one per line, list markers and numbering
    /// dropped, ending with "?", at most `limit`.
    public static func parseQuestions(_ reply: String, limit: Int) -> [String] {
        var out: [String] = []
        for raw in reply.split(whereSeparator: \.isNewline) {
            var line = Substring(raw).drop { $0.isWhitespace }
            line = line.drop { $0.isNumber }
            if line.first == "." || line.first == ")" { line = line.dropFirst() }
            while let f = line.first, "-*•".contains(f) || f.isWhitespace { line = line.dropFirst() }
            let q = line.trimmingCharacters(in: .whitespaces)
            guard q.count >= 3, q.count <= 500, q.hasSuffix("?") else { continue }
            out.append(q)
            if out.count == limit { break }
        }
        return out
    }
}

/// CoT answers in the RAFT format written by a teacher for questions with gold chunks:
/// each answer is validated (`RaftFormat.check`: `<ANSWER>:` present, at least one quote,
/// every quote verbatim in a gold chunk), asked again up to `attempts` times, else dropped
/// and counted. Everything goes through the request cache.
struct TeacherAnswers {
    var settings: TeacherSettings
    var attempts: Int

    /// Question id → validated CoT answer, and the report.
    func answer(_ examples: [Example], corpus: Corpus, chat: CachedChat,
                progress: ProgressHandler) throws -> (cot: [String: String], report: TeacherReport) {
        var report = TeacherReport()
        var cot: [String: String] = [:]
        let gold: [String: [Chunk]] = Dictionary(uniqueKeysWithValues: examples.map { e in
            (e.id, e.gold.filter { $0.grade > 0 }.compactMap { corpus[id: $0.id] })
        })
        var pending = examples.filter { !(gold[$0.id] ?? []).isEmpty }
        var lastReason: [String: String] = [:]
        let batch = max(1, settings.maxConcurrency * 2)
        var done = 0
        for attempt in 0..<max(1, attempts) where !pending.isEmpty {
            var next: [Example] = []
            var start = 0
            while start < pending.count {
                let slice = Array(pending[start..<min(pending.count, start + batch)])
                let requests = slice.map { e in
                    settings.request(system: TeacherPrompts.answerSystem,
                                     user: TeacherPrompts.answerUser(question: e.question,
                                                                     context: gold[e.id]!.map(\.text).joined(separator: "\n\n")),
                                     attempt: attempt)
                }
                let results = try chat.chat(requests)
                for (e, result) in zip(slice, results) {
                    switch result {
                    case .failure(let error):
                        // A server failure after the HTTP retries ends the command: the cache
                        // keeps every answer so far, a rerun continues.
                        throw error
                    case .success(let r):
                        let text = r.choices.first(where: { $0.index == 0 })?.message.content ?? ""
                        let verdict = RaftFormat.check(text, documents: gold[e.id]!.map(\.text))
                        if case .valid = verdict {
                            cot[e.id] = text
                            report.kept += 1
                            done += 1
                        } else {
                            lastReason[e.id] = verdict.reason
                            next.append(e)
                        }
                    }
                }
                start += slice.count
                let usage = chat.usage
                if progress(ProgressEvent(stage: "teacher-answers", done: done, total: examples.count, unit: .questions,
                                          metrics: TeacherReport.metrics(usage, settings))) == .stop {
                    throw TeacherStop.stopped
                }
            }
            if attempt + 1 < max(1, attempts) { report.retried += next.count }
            pending = next
        }
        for e in pending { report.dropped[lastReason[e.id] ?? "invalid", default: 0] += 1 }
        report.usage = chat.usage
        report.failed = report.usage.failed
        report.estimatedCost = report.usage.cost(promptPrice: settings.promptPrice, completionPrice: settings.completionPrice)
        return (cot, report)
    }
}

/// A teacher command stopped on request; the request cache keeps what was paid for.
public enum TeacherStop: RaditError, Equatable {
    case stopped
    public var message: String { "stopped on request; the answers received so far are in the request cache, rerun to continue" }
}
