// bench-encoder: sentence-embedding throughput of the native BertEncoder (text in,
// normalised embeddings out, tokenisation included) on all-MiniLM-L6-v2.
// Usage: bench-encoder <texts.txt> <model dir> <max length> <batch size> <threads> <repeats>
// Prints one JSON line: {"ours_median_s":…,"sentences":…,"sentences_per_s":…}.
import Foundation
import RaditModels
import RaditRetrieval
import RaditTensor

let args = CommandLine.arguments
guard args.count == 7, let maxLength = Int(args[3]), let batchSize = Int(args[4]), let threads = Int(args[5]),
      let repeats = Int(args[6]) else {
    FileHandle.standardError.write(Data("usage: bench-encoder <texts.txt> <model dir> <max length> <batch size> <threads> <repeats>\n".utf8))
    exit(2)
}
BLASThreads.set(threads)
let texts = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map(String.init)
let encoder = try SentenceEncoder<Float>.load(directory: URL(fileURLWithPath: args[2]), maxLength: maxLength)
_ = try encoder.encode(Array(texts.prefix(batchSize)), batchSize: batchSize)   // warm-up
var times: [Double] = []
for _ in 0..<repeats {
    let start = Date()
    _ = try encoder.encode(texts, batchSize: batchSize)
    times.append(Date().timeIntervalSince(start))
}
let median = times.sorted()[times.count / 2]
print("{\"ours_median_s\":\(median),\"sentences\":\(texts.count),\"sentences_per_s\":\(Double(texts.count) / median),\"blas\":\"\(BLASThreads.configuration)\",\"threads\":\(BLASThreads.count),\"simd\":\"\(SIMDPath.active.rawValue)\"}")
