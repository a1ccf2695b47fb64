import RaditRemote

extension RemoteEndpoint {
    /// The endpoint every remote piece of Radit builds from its settings (the `[remote]`
    /// section, a teacher, a hosted fine-tuning service): '' as the key variable means a
    /// server without keys; connecting may take at most 10 s of the total timeout.
    static func configured(baseURL: String, model: String, apiKeyEnvironment: String, timeout: Double,
                           maxConcurrency: Int, maxAttempts: Int) -> RemoteEndpoint {
        RemoteEndpoint(baseURL: baseURL, model: model, apiKeyVariable: apiKeyEnvironment.isEmpty ? nil : apiKeyEnvironment,
                       http: HTTPClientConfig(timeouts: Timeouts(connect: min(10, timeout), total: timeout),
                                              maxConcurrency: maxConcurrency, retry: RetryPolicy(maxAttempts: maxAttempts)))
    }
}
