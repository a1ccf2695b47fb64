import RaditRemote

extension RemoteEndpoint {
    /// The endpoint every remote piece of Radit builds from its settings (the `[remote]`
    /// section, a teacher, a hosted fine-tuning service): '' as the key variable means a
    /// server without keys; connecting may take at most 10 s of the total timeout.
    static func configured(baseURL: String, model: String, apiKeyEnvironment: String, timeout: Double,
                           maxConcurrency: Int, maxAttempts: Int, names: RemoteSettingNames = .remoteSection) -> RemoteEndpoint {
        RemoteEndpoint(baseURL: baseURL, model: model, apiKeyVariable: apiKeyEnvironment.isEmpty ? nil : apiKeyEnvironment,
                       http: HTTPClientConfig(timeouts: Timeouts(connect: min(10, timeout), total: timeout),
                                              maxConcurrency: maxConcurrency, retry: RetryPolicy(maxAttempts: maxAttempts)),
                       settingNames: names)
    }

    /// The checks of a chat command's endpoint options (teacher, judge); errors name the
    /// flags `--<prefix>-url`, `--<prefix>-model`, `--<prefix>-timeout`, ….
    static func checkChatOptions(prefix: String, baseURL: String, model: String, timeout: Double,
                                 maxConcurrency: Int, maxAttempts: Int, maxTokens: Int) throws {
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw TeacherError.invalidOption(name: "\(prefix)-url", reason: "\(baseURL.debugDescription) is not an http:// or https:// URL (e.g. http://127.0.0.1:8080/v1)")
        }
        guard !model.isEmpty else { throw TeacherError.invalidOption(name: "\(prefix)-model", reason: "name the \(prefix) model") }
        guard timeout > 0 else { throw TeacherError.invalidOption(name: "\(prefix)-timeout", reason: "must be > 0 seconds") }
        guard maxConcurrency >= 1, maxAttempts >= 1, maxTokens >= 1 else {
            throw TeacherError.invalidOption(name: "\(prefix)-concurrency/\(prefix)-http-attempts/\(prefix)-max-tokens", reason: "each must be ≥ 1")
        }
    }
}

extension RemoteSettings {
    /// The `[remote]` server as an endpoint (errors name the `remote.*` keys).
    public var endpoint: RemoteEndpoint {
        .configured(baseURL: baseURL, model: model, apiKeyEnvironment: apiKeyEnvironment, timeout: timeout,
                    maxConcurrency: maxConcurrency, maxAttempts: maxAttempts)
    }
}
