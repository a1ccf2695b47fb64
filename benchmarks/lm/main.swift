// bench-lm: Llama scoring-forward and train-step throughput (tokens/s) for SmolLM2-135M
// and a small config, with the measured sgemm peak for context. Prints one JSON object
// per case on stdout; run.sh runs the PyTorch peer beside it and writes RESULTS.md.
import Foundation
import RaditKernels
import RaditModels
import RaditTensor

let arguments = CommandLine.arguments
let threads = Int(ProcessInfo.processInfo.environment["BENCH_THREADS"] ?? "2") ?? 2
BLASThreads.set(threads)
let repeats = Int(ProcessInfo.processInfo.environment["BENCH_REPEATS"] ?? "3") ?? 3
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

func time(_ body: () throws -> Void) rethrows -> Double {
    let t = Date()
    try body()
    return Date().timeIntervalSince(t)
}

/// sgemm GFLOP/s on square 1024 matrices (the peak the model's matmuls can reach).
func sgemmPeak() -> Double {
    let n = 1024
    var rng = RandomSource(seed: 1)
    let a: Tensor<Float> = rng.normalTensor([n, n]), b: Tensor<Float> = rng.normalTensor([n, n])
    _ = Tensor.matmul(a, b)
    let times = (0..<5).map { _ in time { _ = Tensor.matmul(a, b) } }
    return 2 * Double(n * n * n) / median(times) / 1e9
}

/// Forward FLOPs per token (matmuls only): 2·(non-embedding weights) + attention
/// (2·2·T/2·C per layer, causal) + head on `headShare` of the tokens.
func forwardFlops(_ c: LlamaConfig, T: Int, headShare: Double) -> Double {
    let perLayer = 2.0 * Double(c.width * c.width * 2 + 2 * c.kvWidth * c.width + 3 * c.width * c.mlpWidth)
    let attention = 2.0 * Double(T) * Double(c.width)   // q·k and p·v over T/2 keys on average
    return Double(c.layers) * (perLayer + attention) + headShare * 2 * Double(c.width * c.vocab)
}

struct Case {
    let name: String
    let model: LlamaModel<Float>
    let batch: Int
    let length: Int
    let answer: Int
    let trainBatch: Int
}

func run(_ cs: Case, peak: Double) throws {
    let c = cs.model.config
    var rng = RandomSource(seed: 2)
    let pairs = (0..<cs.batch).map { _ in
        ScoringPair(prompt: (0..<(cs.length - cs.answer)).map { _ in rng.int(below: c.vocab) },
                    answer: (0..<cs.answer).map { _ in rng.int(below: c.vocab) })
    }
    _ = try cs.model.score(pairs, batchSize: cs.batch)
    let scoreTimes = try (0..<repeats).map { _ in try time { _ = try cs.model.score(pairs, batchSize: cs.batch) } }
    let scoreTokens = Double(cs.batch * cs.length)
    let scoreRate = scoreTokens / median(scoreTimes)
    let scoreFlops = forwardFlops(c, T: cs.length, headShare: Double(cs.answer) / Double(cs.length)) * scoreRate / 1e9

    let seqs = (0..<cs.trainBatch).map { _ in (0..<cs.length).map { _ in rng.int(below: c.vocab) } }
    let batch = try LlamaBatch(sequences: seqs, scoredFrom: Array(repeating: 1, count: cs.trainBatch))
    let train = LlamaTrainingConfig(schedule: .constant(peak: 1e-4), adamW: AdamWConfig(weightDecay: 0.1), clipNorm: 1)
    cs.model.trainStep([batch], config: train)
    let trainTimes = (0..<repeats).map { _ in time { cs.model.trainStep([batch], config: train) } }
    let trainTokens = Double(cs.trainBatch * cs.length)
    let trainRate = trainTokens / median(trainTimes)
    let trainFlops = 3 * forwardFlops(c, T: cs.length, headShare: 1) * trainRate / 1e9
    let out: [String: Any] = [
        "case": cs.name, "impl": "radit", "threads": threads,
        "score_batch": cs.batch, "seq_len": cs.length, "answer_tokens": cs.answer,
        "score_tokens_per_s": scoreRate, "score_gflops": scoreFlops, "score_pct_peak": 100 * scoreFlops / peak,
        "train_batch": cs.trainBatch, "train_tokens_per_s": trainRate, "train_gflops": trainFlops,
        "train_pct_peak": 100 * trainFlops / peak, "sgemm_gflops": peak,
        "blas": BLASThreads.configuration,
    ]
    let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let peak = sgemmPeak()
let only = arguments.dropFirst().first
let small = LlamaConfig(layers: 4, width: 256, heads: 4, kvHeads: 4, mlpWidth: 768, vocab: 8192,
                        tiedEmbeddings: true, ropeLayout: .halfSplit, maxPositions: 1024)
if only == nil || only == "small" {
    try run(Case(name: "small", model: try LlamaModel<Float>(config: small, seed: 1), batch: 8, length: 256,
                 answer: 32, trainBatch: 4), peak: peak)
}
if only == nil || only == "smollm2" {
    let url = root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    if FileManager.default.fileExists(atPath: url.path) {
        try run(Case(name: "smollm2-135m", model: try LlamaModel<Float>(gguf: url), batch: 4, length: 128,
                     answer: 32, trainBatch: 1), peak: peak)
    } else {
        FileHandle.standardError.write(Data("bench-lm: \(url.path) missing; run `make models`\n".utf8))
    }
}
