// bench-gemm: square sgemm GFLOP/s through RaditTensor's `gemm` (the only BLAS door),
// beside numpy's matmul measured by peer_numpy.py in the same run (benchmarks/gemm/run.sh).
//
//   bench-gemm [--sizes 256,512,...] [--threads N,1] [--rounds 3]
//              [--peer-command "python peer_numpy.py ..."] [--results RESULTS.md]
//
// Method (same as the peer): A, B, C are n×n Float32, C = A·B; two warm-up calls, then
// `repeats(n)` timed calls; the median wall time t gives GFLOP/s = 2n³ / t / 1e9.
// The machine may be shared, so Radit's pass and the peer's pass alternate for a few
// rounds and each side keeps its best median per (threads, n): the least disturbed one.
import Foundation
import RaditTensor

struct Measurement: Codable {
    var threads: Int
    var n: Int
    var repeats: Int
    var median_s: Double
    var gflops: Double
}

struct PeerReport: Codable {
    var numpy: String
    var python: String
    var blas: String
    var env: [String: String]
    var results: [Measurement]
}

/// Timed repeats per size: enough for a stable median, bounded for the big sizes.
func repeats(_ n: Int) -> Int {
    switch n {
    case ..<512: return 30
    case ..<1024: return 15
    case ..<1536: return 7
    default: return 5
    }
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func measure(n: Int, threads: Int) -> Measurement {
    BLASThreads.set(threads)
    var rng = RandomSource(seed: UInt64(n))
    let a = (0..<(n * n)).map { _ in Float(rng.uniform() * 2 - 1) }
    let b = (0..<(n * n)).map { _ in Float(rng.uniform() * 2 - 1) }
    var c = [Float](repeating: 0, count: n * n)
    let clock = ContinuousClock()
    var times: [Double] = []
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                func call() {
                    gemm(.none, .none, m: n, n: n, k: n, a: pa.baseAddress!, lda: n,
                         b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
                }
                call()
                call()
                for _ in 0..<repeats(n) { times.append(seconds(clock.measure { call() })) }
            }
        }
    }
    let t = median(times)
    return Measurement(threads: threads, n: n, repeats: times.count, median_s: t,
                       gflops: 2 * Double(n) * Double(n) * Double(n) / t / 1e9)
}

func shell(_ command: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return "" }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

// MARK: Arguments

var sizes = [256, 512, 1024, 1536, 2048]
let cores = ProcessInfo.processInfo.activeProcessorCount
var threadCounts = cores == 1 ? [1] : [cores, 1]
var peerCommand: String?
var rounds = 3
var resultsPath: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    guard let value = arguments.next() else {
        FileHandle.standardError.write(Data("bench-gemm: \(flag) needs a value\n".utf8))
        exit(2)
    }
    switch flag {
    case "--sizes": sizes = value.split(separator: ",").compactMap { Int($0) }
    case "--threads": threadCounts = value.split(separator: ",").compactMap { Int($0) }
    case "--peer-command": peerCommand = value
    case "--rounds": rounds = max(1, Int(value) ?? 1)
    case "--results": resultsPath = value
    default:
        FileHandle.standardError.write(Data("bench-gemm: unknown option \(flag)\n".utf8))
        exit(2)
    }
}

// MARK: Run

/// Keeps, per (threads, n), the measurement with the best median.
func best(_ all: [Measurement]) -> [Measurement] {
    var out: [Measurement] = []
    for m in all {
        if let i = out.firstIndex(where: { $0.threads == m.threads && $0.n == m.n }) {
            if m.gflops > out[i].gflops { out[i] = m }
        } else {
            out.append(m)
        }
    }
    return out
}

let loadBefore = shell("cut -d' ' -f1-3 /proc/loadavg")
var ourRuns: [Measurement] = []
var peerRuns: [Measurement] = []
var peer: PeerReport?
for round in 1...rounds {
    for threads in threadCounts {
        for n in sizes {
            let m = measure(n: n, threads: threads)
            ourRuns.append(m)
            print(String(format: "round %d radit  threads=%d n=%4d  median %.4f s  %7.1f GFLOP/s",
                         round, threads, n, m.median_s, m.gflops))
        }
    }
    if let peerCommand {
        let output = shell(peerCommand)
        guard let report = try? JSONDecoder().decode(PeerReport.self, from: Data(output.utf8)) else {
            FileHandle.standardError.write(Data("bench-gemm: the peer printed no results: \(output)\n".utf8))
            exit(1)
        }
        peer = report
        peerRuns += report.results
        for m in report.results {
            print(String(format: "round %d numpy  threads=%d n=%4d  median %.4f s  %7.1f GFLOP/s",
                         round, m.threads, m.n, m.median_s, m.gflops))
        }
    }
}
let loadAfter = shell("cut -d' ' -f1-3 /proc/loadavg")
let ours = best(ourRuns)
let peerBest = best(peerRuns)

// MARK: Report

func environment(_ name: String) -> String { ProcessInfo.processInfo.environment[name] ?? "unset" }

var table = ["| threads | n | Radit GFLOP/s | numpy GFLOP/s | ratio |", "|---:|---:|---:|---:|---:|"]
var shortfalls: [String] = []
for m in ours {
    let p = peerBest.first { $0.threads == m.threads && $0.n == m.n }
    let ratio = p.map { m.gflops / $0.gflops }
    let peerText = p.map { String(format: "%.1f", $0.gflops) } ?? "—"
    let ratioText = ratio.map { String(format: "%.2f", $0) } ?? "—"
    table.append("| \(m.threads) | \(m.n) | " + String(format: "%.1f", m.gflops) + " | \(peerText) | \(ratioText) |")
    if let ratio, ratio < 0.9 { shortfalls.append("threads=\(m.threads) n=\(m.n) (\(String(format: "%.2f", ratio)))") }
}
print(table.joined(separator: "\n"))

if let resultsPath {
    let stamp = ISO8601DateFormatter().string(from: Date())
    let model = shell("lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1")
    var lines = [
        "",
        "## sgemm: Radit `gemm` vs numpy `matmul` (\(stamp))",
        "",
        "- Machine: \(model.isEmpty ? "unknown CPU" : model), \(cores) cores (nproc); load average before/after: \(loadBefore) / \(loadAfter)",
        "- Radit: OpenBLAS `\(BLASThreads.configuration)`; OPENBLAS_CORETYPE=\(environment("OPENBLAS_CORETYPE")), OPENBLAS_L2_SIZE=\(environment("OPENBLAS_L2_SIZE"))",
    ]
    if let peer {
        let env = peer.env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        lines.append("- numpy \(peer.numpy) (Python \(peer.python)): \(peer.blas); \(env)")
    }
    lines += [
        "- Method: n×n Float32 C = A·B, 2 warm-up calls, then 30/15/7/5 timed calls for n < 512/1024/1536/≥1536; median; GFLOP/s = 2n³/t. Radit's and numpy's passes alternate for \(rounds) rounds in one `benchmarks/gemm/run.sh` run; each side keeps its best median per row.",
        "",
    ] + table + [
        "",
        shortfalls.isEmpty ? "- All ratios ≥ 0.9."
            : "- Below the 0.9 target: " + shortfalls.joined(separator: ", ") + ".",
    ]
    let text = lines.joined(separator: "\n") + "\n"
    let url = URL(fileURLWithPath: resultsPath)
    if !FileManager.default.fileExists(atPath: url.path) {
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("# Benchmark results\n".utf8))
    }
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
    print("appended to \(resultsPath)")
}
