import ArgumentParser
import Foundation
import RaditExperiments

/// The teacher LM behind an OpenAI-compatible API, for `generate questions` and
/// `generate raft --teacher remote`; defaults are `TeacherSettings.defaults`.
struct TeacherOptions: ParsableArguments {
    @Option(help: "Teacher server base URL including the version path, e.g. http://127.0.0.1:8080/v1.")
    var teacherURL: String?
    @Option(help: "Teacher model name on that server.")
    var teacherModel: String?
    @Option(help: "Environment variable holding the API key ('' for a server without keys).")
    var apiKeyEnv = TeacherSettings.defaults.apiKeyEnvironment
    @Option(help: "Seconds per request.")
    var teacherTimeout = TeacherSettings.defaults.timeout
    @Option(help: "Requests in flight at once.")
    var teacherConcurrency = TeacherSettings.defaults.maxConcurrency
    @Option(help: "HTTP attempts per request (429, 5xx and transport errors are retried with backoff).")
    var teacherHTTPAttempts = TeacherSettings.defaults.maxAttempts
    @Option(help: "Sampling temperature of first answers.")
    var teacherTemperature = TeacherSettings.defaults.temperature
    @Option(help: "Temperature of retries after an answer failed validation.")
    var teacherRetryTemperature = TeacherSettings.defaults.retryTemperature
    @Option(help: "max_tokens per teacher reply.")
    var teacherMaxTokens = TeacherSettings.defaults.maxTokens
    @Option(help: "Price per million prompt tokens, for the cost estimate.")
    var promptPrice = TeacherSettings.defaults.promptPrice
    @Option(help: "Price per million completion tokens, for the cost estimate.")
    var completionPrice = TeacherSettings.defaults.completionPrice
    @Option(help: "Request cache (JSON lines; default: teacher-cache.jsonl in the output folder). A rerun never sends a request answered before.")
    var teacherCache: String?

    func settings(out: String) throws -> TeacherSettings {
        guard let url = teacherURL, let model = teacherModel else {
            throw ValidationError("a teacher needs --teacher-url and --teacher-model")
        }
        let cache = teacherCache.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: out).appendingPathComponent(TeacherSettings.defaults.cache.lastPathComponent)
        return TeacherSettings(baseURL: url, model: model, apiKeyEnvironment: apiKeyEnv, timeout: teacherTimeout,
                               maxConcurrency: teacherConcurrency, maxAttempts: teacherHTTPAttempts,
                               temperature: teacherTemperature, retryTemperature: teacherRetryTemperature,
                               maxTokens: teacherMaxTokens, promptPrice: promptPrice, completionPrice: completionPrice,
                               cache: cache)
    }
}

extension TeacherReport {
    /// One line for the end of a teacher command.
    var summary: String {
        let u = usage
        var s = "teacher: \(u.sent) requests sent, \(u.cached) answered from the cache, "
            + "\(u.promptTokens) prompt + \(u.completionTokens) completion tokens"
        s += estimatedCost > 0 ? String(format: ", estimated cost %.4f", estimatedCost) : " (no prices given: cost unknown)"
        if kept + droppedTotal > 0 {
            s += "; \(kept) answers kept, \(retried) retried, \(droppedTotal) dropped"
            if !dropped.isEmpty { s += " (" + dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
        }
        return s
    }
}
