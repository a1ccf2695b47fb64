// bench-index: FlatIndex and HNSWIndex against FAISS IndexFlatIP / IndexHNSWFlat, and
// BM25Index against bm25s, measured in the same run (benchmarks/index/run.sh).
//
//   bench-index --dir DIR [--n 100000] [--nq 1000] [--d 384] [--threads 2] [--repeats 3]
//               [--keep-pruned 0|1] [--peer-command "python peer_faiss_bm25s.py DIR ..."] [--results RESULTS.md]
//
// Data (seeded): n normalised vectors from 1,000 Gaussian clusters (centres N(0, 1),
// noise N(0, 0.5²) per coordinate: clustered like real embeddings), nq queries from the
// same clusters; a synthetic corpus of Zipf-distributed words for BM25. Both sides read the same files; timings are medians of `repeats` after
// a warm-up; the exact top-10 from FlatIndex is the recall reference for HNSW.
import Foundation
import RaditIndex
import RaditTensor

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
let clock = ContinuousClock()
func timed(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var ts: [Double] = []
    for _ in 0..<repeats { ts.append(seconds(try clock.measure { try body() })) }
    return median(ts)
}
func shell(_ command: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let out = Pipe()
    p.standardOutput = out
    guard (try? p.run()) != nil else { return "" }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

var dir = "/tmp/radit-bench-index"
var n = 100_000, nq = 1000, d = 384, threads = 2, repeats = 3, k = 10
var m = 16, efConstruction = 40, efs = [16, 32, 64, 128, 256]
var docsCount = 100_000, bm25Queries = 1000
var keepPruned = false
var peerCommand: String?
var resultsPath: String?
var it = CommandLine.arguments.dropFirst().makeIterator()
while let flag = it.next() {
    guard let v = it.next() else { log("bench-index: \(flag) needs a value"); exit(2) }
    switch flag {
    case "--dir": dir = v
    case "--n": n = Int(v)!
    case "--nq": nq = Int(v)!
    case "--d": d = Int(v)!
    case "--threads": threads = Int(v)!
    case "--repeats": repeats = Int(v)!
    case "--m": m = Int(v)!
    case "--ef-construction": efConstruction = Int(v)!
    case "--ef": efs = v.split(separator: ",").compactMap { Int($0) }
    case "--docs": docsCount = Int(v)!
    case "--keep-pruned": keepPruned = v == "1"
    case "--peer-command": peerCommand = v
    case "--results": resultsPath = v
    default: log("bench-index: unknown option \(flag)"); exit(2)
    }
}
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
BLASThreads.set(threads)

// MARK: data
@MainActor func clustered(_ count: Int, seed: UInt64, centres: [Float], nc: Int) -> [Float] {
    var rng = RandomSource(seed: seed)
    var out = [Float](repeating: 0, count: count * d)
    for i in 0..<count {
        let c = rng.int(below: nc)
        var norm: Float = 0
        for j in 0..<d {
            let v = centres[c * d + j] + Float(rng.normal()) * 0.5
            out[i * d + j] = v
            norm += v * v
        }
        let s = 1 / norm.squareRoot()
        for j in 0..<d { out[i * d + j] *= s }
    }
    return out
}
log("generating \(n)×\(d) vectors")
var crng = RandomSource(seed: 1)
let nc = 1000
let centres = (0..<(nc * d)).map { _ in Float(crng.normal()) }
let base = clustered(n, seed: 2, centres: centres, nc: nc)
let queries = clustered(nq, seed: 3, centres: centres, nc: nc)
@MainActor func writeFloats(_ a: [Float], _ name: String) throws {
    try a.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/" + name)) }
}
try writeFloats(base, "base.f32")
try writeFloats(queries, "queries.f32")

// Corpus for BM25: Zipf words w0..w49999 with punctuation.
log("generating \(docsCount) documents")
var wrng = RandomSource(seed: 4)
let vocabSize = 50_000
var cumulative = [Double](repeating: 0, count: vocabSize)
var acc = 0.0
for i in 0..<vocabSize { acc += 1 / pow(Double(i + 1), 1.07); cumulative[i] = acc }
@MainActor func word() -> String {
    let u = wrng.uniform() * acc
    var lo = 0, hi = vocabSize - 1
    while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
    return lo % 7 == 0 ? "W\(lo)" : "w\(lo)"
}
let docs = (0..<docsCount).map { _ in (0..<(20 + wrng.int(below: 80))).map { _ in word() }.joined(separator: wrng.bernoulli(0.1) ? ", " : " ") }
let bmQueries = (0..<bm25Queries).map { _ in (0..<(2 + wrng.int(below: 5))).map { _ in word() }.joined(separator: " ") }
try docs.joined(separator: "\n").write(toFile: dir + "/docs.txt", atomically: true, encoding: .utf8)
try bmQueries.joined(separator: "\n").write(toFile: dir + "/bm25_queries.txt", atomically: true, encoding: .utf8)

// MARK: ours
var results: [String: Any] = [:]
let qt = Tensor(shape: [nq, d], scalars: queries)
var flat = FlatIndex(dimension: d, metric: .innerProduct, queryBlock: 1024, databaseBlock: 4096, threads: threads)
try flat.add(Tensor(shape: [n, d], scalars: base))
log("flat batch")
let flatBatch = try timed(repeats) { _ = try flat.search(qt, k: k) }
results["flat_batch_qps"] = Double(nq) / flatBatch
let truth = try flat.search(qt, k: k)
try truth.ids.map { Int32($0) }.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/truth.i32")) }
let meta: [String: Any] = ["n": n, "nq": nq, "d": d, "docs": docsCount, "bm25_queries": bm25Queries]
try JSONSerialization.data(withJSONObject: meta).write(to: URL(fileURLWithPath: dir + "/meta.json"))
log("flat single")
var lat: [Double] = []
_ = try flat.search(Tensor(shape: [1, d], scalars: Array(queries[0..<d])), k: k)
for i in 0..<100 {
    let one = Tensor(shape: [1, d], scalars: Array(queries[(i * d)..<((i + 1) * d)]))
    lat.append(seconds(try clock.measure { _ = try flat.search(one, k: k) }))
}
results["flat_single_ms"] = median(lat) * 1000

log("hnsw build (M=\(m), efConstruction=\(efConstruction))")
var hnsw = HNSWIndex(dimension: d, metric: .innerProduct, m: m, efConstruction: efConstruction, threads: threads, seed: 7,
                     keepPrunedConnections: keepPruned)
let build = seconds(try clock.measure { try hnsw.add(Tensor(shape: [n, d], scalars: base)) })
results["hnsw_build_s"] = build
var curve: [[String: Double]] = []
for ef in efs {
    hnsw.efSearch = ef
    let t = try timed(repeats) { _ = try hnsw.search(qt, k: k) }
    let r = try hnsw.search(qt, k: k)
    var hits = 0
    for i in 0..<nq { hits += Set(r.row(i)).intersection(truth.row(i)).count }
    curve.append(["ef": Double(ef), "recall": Double(hits) / Double(nq * k), "qps": Double(nq) / t])
    log("  ef=\(ef) recall=\(Double(hits) / Double(nq * k)) qps=\(Double(nq) / t)")
}
results["hnsw"] = curve

log("bm25 build")
var bm25: BM25Index? = nil
let bmBuild = timed(repeats) { bm25 = BM25Index(documents: docs, parameters: BM25Parameters(k1: 0.9, b: 0.4), threads: threads) }
results["bm25_build_s"] = bmBuild
let bmQuery = timed(repeats) { _ = bm25!.search(bmQueries, k: k) }
results["bm25_qps"] = Double(bm25Queries) / bmQuery
let ourTop1 = (0..<20).map { bm25!.search([bmQueries[$0]], k: 1).ids[0] }

// MARK: peer
var peer: [String: Any] = [:]
if let peerCommand {
    log("peer: \(peerCommand)")
    let text = shell(peerCommand)
    if let line = text.split(separator: "\n").last, let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
        peer = obj
    } else {
        log("peer output unreadable:\n\(text)")
    }
}

// MARK: report
func f(_ x: Any?, _ digits: Int = 1) -> String {
    guard let v = x as? Double else { return "–" }
    return String(format: "%.\(digits)f", v)
}
func ratio(_ ours: Any?, _ theirs: Any?, higherBetter: Bool) -> String {
    guard let a = ours as? Double, let b = theirs as? Double, a > 0, b > 0 else { return "–" }
    return String(format: "%.2f", higherBetter ? a / b : b / a)
}
/// Peer QPS at our recall, interpolated on the peer's (recall, qps) curve.
@MainActor func peerQPS(atRecall r: Double) -> Double? {
    guard let pts = peer["hnsw"] as? [[String: Any]] else { return nil }
    let curve = pts.compactMap { p -> (Double, Double)? in
        guard let rr = p["recall"] as? Double, let q = p["qps"] as? Double else { return nil }
        return (rr, q)
    }.sorted { $0.0 < $1.0 }
    guard let first = curve.first, let last = curve.last, r >= first.0, r <= last.0 else { return nil }
    for i in 1..<curve.count where curve[i].0 >= r {
        let (r0, q0) = curve[i - 1], (r1, q1) = curve[i]
        return r1 == r0 ? q1 : q0 + (q1 - q0) * (r - r0) / (r1 - r0)
    }
    return last.1
}
let cpu = shell("lscpu | sed -n 's/^Model name:[ ]*//p' | head -1").trimmingCharacters(in: .whitespacesAndNewlines)
let load = shell("cat /proc/loadavg").trimmingCharacters(in: .whitespacesAndNewlines)
let date = ISO8601DateFormatter().string(from: Date())
var md = "\n## Index: FlatIndex / HNSWIndex vs FAISS, BM25Index vs bm25s (\(date))\n\n"
md += "- Machine: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores (nproc); load average at the end: \(load)\n"
md += "- Radit: OpenBLAS `\(BLASThreads.configuration)`, BLAS threads \(threads), index threads \(threads), SIMD path \(SIMDPath.active.rawValue) (\(SIMDPath.active.lanes) lanes)\n"
md += "- Peer: faiss-cpu \(peer["faiss"] ?? "?"), bm25s \(peer["bm25s"] ?? "?"), numpy \(peer["numpy"] ?? "?"), Python \(peer["python"] ?? "?"), threads \(peer["threads"] ?? "?")\n"
md += "- Data: \(n) × \(d) normalised vectors from \(nc) Gaussian clusters (centres N(0, 1), noise σ = 0.5 per coordinate), \(nq) queries, k = \(k), inner product; BM25: \(docsCount) synthetic Zipf documents (20–99 words), \(bm25Queries) queries, lucene k1 = 0.9, b = 0.4, lowercase `\\w+`. Median of \(repeats) after a warm-up.\n\n"
md += "| measure | Radit | peer | ratio (≥ 1 = Radit faster) |\n|---|---:|---:|---:|\n"
md += "| Flat batch QPS (\(nq) queries) | \(f(results["flat_batch_qps"])) | \(f(peer["flat_batch_qps"])) | \(ratio(results["flat_batch_qps"], peer["flat_batch_qps"], higherBetter: true)) |\n"
md += "| Flat single-query latency (ms, median of 100) | \(f(results["flat_single_ms"], 2)) | \(f(peer["flat_single_ms"], 2)) | \(ratio(results["flat_single_ms"], peer["flat_single_ms"], higherBetter: false)) |\n"
md += "| HNSW build (s, M = \(m), efConstruction = \(efConstruction), \(threads) threads, keep pruned \(keepPruned)) | \(f(results["hnsw_build_s"])) | \(f(peer["hnsw_build_s"])) | \(ratio(results["hnsw_build_s"], peer["hnsw_build_s"], higherBetter: false)) |\n"
md += "| BM25 build (s, tokenise + index) | \(f(results["bm25_build_s"], 2)) | \(f(peer["bm25_build_s"], 2)) | \(ratio(results["bm25_build_s"], peer["bm25_build_s"], higherBetter: false)) |\n"
md += "| BM25 queries/s (tokenise + score + top-10) | \(f(results["bm25_qps"])) | \(f(peer["bm25_qps"])) | \(ratio(results["bm25_qps"], peer["bm25_qps"], higherBetter: true)) |\n\n"
md += "HNSW QPS at matched recall@10 (peer QPS interpolated at Radit's recall on the peer's curve):\n\n"
md += "| efSearch | Radit recall@10 | Radit QPS | FAISS QPS at that recall | ratio |\n|---:|---:|---:|---:|---:|\n"
for p in curve {
    let pq = peerQPS(atRecall: p["recall"]!)
    md += "| \(Int(p["ef"]!)) | \(String(format: "%.3f", p["recall"]!)) | \(f(p["qps"])) | \(pq.map { String(format: "%.1f", $0) } ?? "outside peer's range") | \(pq.map { String(format: "%.2f", p["qps"]! / $0) } ?? "–") |\n"
}
if let pts = peer["hnsw"] as? [[String: Any]] {
    md += "\nFAISS curve: " + pts.map { "ef \($0["ef"] ?? "?"): recall \(String(format: "%.3f", ($0["recall"] as? Double) ?? 0)), \(String(format: "%.1f", ($0["qps"] as? Double) ?? 0)) QPS" }.joined(separator: "; ") + "\n"
}
if let top = peer["bm25_top1"] as? [Int] {
    md += "\nBM25 top-1 agreement with bm25s on the first 20 queries: \(zip(top, ourTop1).filter { $0 == $1 }.count)/20\n"
}
print(md)
if let resultsPath {
    if let h = FileHandle(forWritingAtPath: resultsPath) {
        h.seekToEndOfFile()
        h.write(Data(md.utf8))
        h.closeFile()
    } else {
        try ("# Benchmark results\n" + md).write(toFile: resultsPath, atomically: true, encoding: .utf8)
    }
}
