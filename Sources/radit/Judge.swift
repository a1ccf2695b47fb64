import ArgumentParser
import Foundation
import RaditExperiments

extension JudgeEmbeddings: ExpressibleByArgument {}

/// `radit judge RUN_OR_SWEEP`: RAGAS-style judge metrics beside a run's predictions.
struct Judge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge runs' predictions (answer_similarity, answer_correctness, faithfulness) with a chat model behind an OpenAI-compatible API.",
        discussion: """
        Writes run.h5:/judge/<pass>/ beside /predictions/<pass>/ (one row per question, the \
        judge's raw replies kept; unparsable replies counted and left out), into a copy of \
        run.h5 that replaces it only when complete. `radit table` then shows the judge metrics \
        beside EM/F1. Replies are cached by content (judge-cache.jsonl in the run or sweep \
        folder): a rerun pays nothing. Prompts: prompts/judge/*.txt.
        Example: radit judge runs/quickstart --judge-url http://127.0.0.1:8080/v1 --judge-model judge --api-key-env ''
        """)

    @Argument(help: "Finished run folders or sweep folders.") var inputs: [String] = []
    @Option(help: "Judge server base URL including the version path, e.g. http://127.0.0.1:8080/v1.") var judgeURL: String
    @Option(help: "Judge model name on that server.") var judgeModel: String
    @Option(help: "Evaluation pass to judge (base+base, LM-ft+R-ft, LM-ft+closed-book, …); repeat for several; default: every pass.")
    var pass: [String] = []
    @Option(help: "Environment variable holding the API key ('' for a server without keys).")
    var apiKeyEnv = JudgeSettings(baseURL: "", model: "").apiKeyEnvironment
    @Option(help: "Seconds per request.") var judgeTimeout = JudgeSettings(baseURL: "", model: "").timeout
    @Option(help: "Requests in flight at once.") var judgeConcurrency = JudgeSettings(baseURL: "", model: "").maxConcurrency
    @Option(help: "HTTP attempts per request (429, 5xx and transport errors are retried with backoff).")
    var judgeHTTPAttempts = JudgeSettings(baseURL: "", model: "").maxAttempts
    @Option(help: "max_tokens per judge reply.") var judgeMaxTokens = JudgeSettings(baseURL: "", model: "").maxTokens
    @Option(help: "Request cache (JSON lines; default: judge-cache.jsonl in each run or sweep folder).") var judgeCache: String?
    @Option(help: "Folder with answer_correctness.txt and faithfulness.txt.") var prompts = "prompts/judge"
    @Option(help: "Embeddings for answer_similarity: retriever (the run's base retriever) or none.")
    var embeddings: JudgeEmbeddings = .retriever

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give a finished run or sweep folder") }
    }

    func run() throws {
        var settings = JudgeSettings(baseURL: judgeURL, model: judgeModel)
        settings.apiKeyEnvironment = apiKeyEnv
        settings.timeout = judgeTimeout
        settings.maxConcurrency = judgeConcurrency
        settings.maxAttempts = judgeHTTPAttempts
        settings.maxTokens = judgeMaxTokens
        settings.cache = judgeCache.map { URL(fileURLWithPath: $0) }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var job = RunJudging(paths: inputs.map { URL(fileURLWithPath: $0) }, judge: settings,
                             prompts: URL(fileURLWithPath: prompts), root: cwd)
        job.passes = pass
        job.embeddings = embeddings
        StopSignals.install()
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let report = try job.run(progress: StopSignals.wrap(progress.handle))
        progress.finish()
        for j in report.judged {
            let t = j.tally
            let means = ["answer_similarity", "answer_correctness", "faithfulness"].map { m in
                let v = t.means[m] ?? .nan
                return "\(m) " + (v.isNaN ? "–" : String(format: "%.3f", v)) + " (n = \(t.counts[m] ?? 0))"
            }
            print("\(URL(fileURLWithPath: j.run).lastPathComponent) \(j.pass): " + means.joined(separator: ", ")
                  + "; \(t.unparsable) unparsable of \(t.requests) replies")
        }
        let u = report.usage
        print("judge: \(u.sent) requests sent, \(u.cached) answered from the cache, \(u.promptTokens) prompt + \(u.completionTokens) completion tokens")
        if !report.unfinished.isEmpty { print("left out (unfinished): " + report.unfinished.joined(separator: ", ")) }
    }
}
