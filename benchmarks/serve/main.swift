// bench-serve: latency of scoring requests against `radit serve` under 200 concurrent
// clients on loopback (SmolLM2-135M-Instruct, /v1/completions with echo + logprobs +
// max_tokens 0, the remote LSR primitive), beside the native in-process scoring time of
// the same pairs. Prints one JSON object; run.sh appends it to RESULTS.md.
import Foundation
import RaditModels
import RaditRemote
import RaditServe
import RaditTensor

let env = ProcessInfo.processInfo.environment
BLASThreads.set(Int(env["BENCH_THREADS"] ?? "2") ?? 2)
let concurrency = Int(env["BENCH_CONCURRENCY"] ?? "200") ?? 200
let requests = Int(env["BENCH_REQUESTS"] ?? "200") ?? 200
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let file = root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int((p / 100 * Double(s.count)).rounded(.up)) - 1)]
}

let native = try LlamaBundle(path: file)
let server = try OpenAIServer(bundle: try LlamaBundle(path: file), config: ServeConfig(port: 0, modelName: "smollm2", queueCapacity: 1024))
let subjects = ["the Varnholt bridge", "the Orsk lighthouse", "the Pellan archive", "the Tarnow mill", "the Quill observatory"]
let pairs: [(prompt: String, answer: String)] = (0..<10).map { i in
    let s = subjects[i % subjects.count]
    return ("Background: \(s) was finished in \(1800 + 7 * i) by the engineer Ilse Marr.\n\nQuestion: When was \(s) finished?\nAnswer:",
            " In \(1800 + 7 * i).")
}

// Native service time: the same pairs one at a time, in process (no HTTP).
_ = try native.score([pairs[0]], chat: false)
let nativeTimes = try pairs.map { p -> Double in
    let t = Date(); _ = try native.score([p], chat: false); return Date().timeIntervalSince(t)
}

let client = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL, model: "smollm2",
                                                       http: HTTPClientConfig(timeouts: Timeouts(connect: 10, total: 600),
                                                                              maxConcurrency: concurrency,
                                                                              retry: RetryPolicy(maxAttempts: 1))))
_ = try client.score(Array(pairs.prefix(4)))  // warm-up: connections, caches

final class Latencies: @unchecked Sendable {
    let lock = NSLock(); var values: [Double] = []
    func add(_ v: Double) { lock.lock(); values.append(v); lock.unlock() }
}
let latencies = Latencies()
let start = Date()
let group = DispatchGroup()
let failures = Latencies()
for i in 0..<requests {
    group.enter()
    let t = Thread {
        let p = pairs[i % pairs.count]
        let t0 = Date()
        do { _ = try client.score([p]); latencies.add(Date().timeIntervalSince(t0)) } catch { failures.add(1) }
        group.leave()
    }
    t.stackSize = 1 << 20
    t.start()
}
group.wait()
let wall = Date().timeIntervalSince(start)
let l = latencies.values
let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
let record: [String: Any] = [
    "requests": requests, "concurrency": concurrency, "failed": failures.values.count,
    "p50_ms": percentile(l, 50) * 1000, "p95_ms": percentile(l, 95) * 1000, "p99_ms": percentile(l, 99) * 1000,
    "max_ms": (l.max() ?? 0) * 1000, "wall_s": wall, "requests_per_s": Double(l.count) / wall,
    "native_ms_per_pair": nativeTimes.sorted()[nativeTimes.count / 2] * 1000,
    "connections": client.connectionsOpened, "loadavg_end": load,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
server.shutdown()
