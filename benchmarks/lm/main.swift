// bench-lm: Llama scoring-forward and train-step throughput (tokens/s) for SmolLM2-135M
// and a small config, with the measured sgemm peak for context; for SmolLM2 also LoRA
// train steps (r = 8, attention / all-linear), batched greedy generation of many prompts
// (evaluation's pattern), a rerank evaluation pass (generate per chunk, score every answer
// after every chunk) and batch-1 decode against the memory-bandwidth limit. Prints
// one JSON object per case on stdout; run.sh runs the PyTorch peer beside it and writes
// RESULTS.md. `bench-lm [small|smollm2|lora|generate|decode|batched]` runs one group (decode, batched: batch-1
// decode or batched generation alone, for profiling).
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

/// Median seconds of `body` over `repeats` after one warm-up.
func timedMedian(_ body: () throws -> Void) rethrows -> Double {
    try body()
    return median(try (0..<repeats).map { _ in try time(body) })
}

/// LoRA (r = 8, α = 16, no dropout) train step on the SmolLM2 shapes: tokens/s.
func runLoRA(_ url: URL, targets: LoRAConfig.Targets, length: Int, batch: Int) throws {
    let model = try LlamaModel<Float>(gguf: url)
    try model.enableLoRA(LoRAConfig(rank: 8, alpha: 16, dropout: 0, targets: targets, seed: 1))
    var rng = RandomSource(seed: 3)
    let seqs = (0..<batch).map { _ in (0..<length).map { _ in rng.int(below: model.config.vocab) } }
    let b = try LlamaBatch(sequences: seqs, scoredFrom: Array(repeating: 1, count: batch))
    let train = LlamaTrainingConfig(schedule: .constant(peak: 1e-4), adamW: AdamWConfig(weightDecay: 0), clipNorm: 1)
    let t = timedMedian { model.trainStep([b], config: train) }
    let out: [String: Any] = ["case": "smollm2-135m-lora-\(targets.rawValue)", "impl": "radit", "threads": threads,
                              "train_batch": batch, "seq_len": length, "train_tokens_per_s": Double(batch * length) / t,
                              "blas": BLASThreads.configuration, "simd": SIMDPath.active.rawValue]
    print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
}

/// Prompts of 40–120 tokens, as evaluation's question × chunk prompts; the formula is
/// peer.py's, so both sides decode the same prompts.
func generationPrompts(vocab: Int, count: Int) -> [[Int]] {
    (0..<count).map { i in (0..<(40 + (i * 37) % 81)).map { j in 1 + (i * 131 + j * 7) % (vocab - 1) } }
}

/// Read bandwidth (GB/s): summing a 512 MiB array with `threads` threads (each its own
/// contiguous part, as the decode's gemv splits the weights), best of 3.
func readBandwidth() -> Double {
    let n = 128 << 20
    let a = [Float](repeating: 1, count: n)
    let parts = max(1, threads)
    var best = 0.0
    for _ in 0..<3 {
        var sums = [Float](repeating: 0, count: parts)
        let t = time { a.withUnsafeBufferPointer { p in
            sums.withUnsafeMutableBufferPointer { out in
                // Addresses cross into the workers as integers (raw pointers are not Sendable).
                let input = Int(bitPattern: p.baseAddress!), output = Int(bitPattern: out.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let lo = part * (n / parts), hi = part == parts - 1 ? n : lo + n / parts
                    var acc = SIMD16<Float>()
                    let r = UnsafeRawPointer(bitPattern: input)!
                    for i in stride(from: lo, to: hi - 15, by: 16) { acc += r.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) }
                    UnsafeMutablePointer<Float>(bitPattern: output)![part] = acc.sum()
                }
            }
        } }
        if sums.reduce(0, +) == 0 { print("") }
        best = max(best, Double(n * 4) / t / 1e9)
    }
    return best
}

/// Batched greedy generation (every prompt to exactly `tokens` new tokens, no stop token, as
/// the peer's min_new_tokens) and batch-1 greedy decode against the bandwidth limit.
func runGeneration(_ url: URL, prompts count: Int, tokens: Int) throws {
    let model = try LlamaModel<Float>(gguf: url)
    let prompts = generationPrompts(vocab: model.config.vocab, count: count)
    let rate = try batchedRate(model, prompts: prompts, tokens: tokens)
    let decodeRate = try decodeB1(model, prompt: prompts[0])
    let weightBytes = Double(model.arena.count * 4)
    let bw = readBandwidth()
    let out: [String: Any] = ["case": "smollm2-135m-generate", "impl": "radit", "threads": threads, "prompts": count,
                              "new_tokens": tokens, "prompts_per_s": rate,
                              "decode_b1_tokens_per_s": decodeRate, "weight_bytes": weightBytes,
                              "read_gb_per_s": bw, "decode_b1_fraction_of_bandwidth_limit": decodeRate * weightBytes / (bw * 1e9),
                              "blas": BLASThreads.configuration, "simd": SIMDPath.active.rawValue]
    print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
}

/// Batched greedy generation of `prompts`, each to `tokens` new tokens in one batch: prompts/s.
func batchedRate(_ model: LlamaModel<Float>, prompts: [[Int]], tokens: Int) throws -> Double {
    let t = try timedMedian { _ = try model.generate(prompts: prompts, config: GenerationConfig(maxTokens: tokens), batchSize: prompts.count) }
    return Double(prompts.count) / t
}

/// Batch-1 greedy decode, tokens/s: 32 tokens after a prompt minus the prompt's prefill
/// and first token.
func decodeB1(_ model: LlamaModel<Float>, prompt: [Int]) throws -> Double {
    let prefill = try timedMedian { _ = try model.generate(prompt: prompt, config: GenerationConfig(maxTokens: 1)) }
    let full = try timedMedian { _ = try model.generate(prompt: prompt, config: GenerationConfig(maxTokens: 32)) }
    return 31 / (full - prefill)
}

/// A rerank evaluation pass (RA-DIT App. B) over `questions` × `k` chunk prompts (the
/// generation prompts' formula): every prompt decodes exactly `tokens` tokens (no stop token,
/// as the peer's min_new_tokens), then each question's k answers are scored after each of
/// its k prompts (k² log p(answer | prompt) per question), as `rerank` does: Radit on the
/// KV caches generation kept, the peer with a forward over prompt + answer per pair.
func runRerank(_ url: URL, questions: Int, k: Int, tokens: Int) throws {
    let model = try LlamaModel<Float>(gguf: url)
    let prompts = generationPrompts(vocab: model.config.vocab, count: questions * k)
    let g = GenerationConfig(maxTokens: tokens)
    let t = try timedMedian {
        let (results, states) = try model.generateRetainingPrompts(prompts, config: g, scoringRoom: tokens)
        for q in 0..<questions {
            let mine = Array(states[(q * k)..<((q + 1) * k)])
            for a in 0..<k { _ = try model.score(continuation: results[q * k + a].tokens, after: mine) }
        }
    }
    let out: [String: Any] = ["case": "smollm2-135m-rerank", "impl": "radit", "threads": threads, "questions": questions,
                              "k": k, "new_tokens": tokens, "questions_per_s": Double(questions) / t,
                              "blas": BLASThreads.configuration, "simd": SIMDPath.active.rawValue]
    print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
}

let only = arguments.dropFirst().first
let smolURL = root.appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
if only == "lora" || only == "generate" || only == "decode" || only == "batched" {
    guard FileManager.default.fileExists(atPath: smolURL.path) else {
        FileHandle.standardError.write(Data("bench-lm: \(smolURL.path) missing; run `make models`\n".utf8))
        exit(1)
    }
    if only == "batched" {
        // Batched generation alone (16 prompts × 16 tokens), for profiling and A/B runs.
        let model = try LlamaModel<Float>(gguf: smolURL)
        let rate = try batchedRate(model, prompts: generationPrompts(vocab: model.config.vocab, count: 16), tokens: 16)
        print("{\"case\":\"smollm2-135m-batched\",\"prompts_per_s\":\(rate)}")
    } else if only == "decode" {
        // Batch-1 decode alone, for profiling it (`perf record bench-lm decode`); run.sh's
        // generate group reports it beside the bandwidth limit.
        let model = try LlamaModel<Float>(gguf: smolURL)
        let rate = try decodeB1(model, prompt: generationPrompts(vocab: model.config.vocab, count: 1)[0])
        print("{\"case\":\"smollm2-135m-decode\",\"decode_b1_tokens_per_s\":\(rate)}")
    } else if only == "lora" {
        for targets in [LoRAConfig.Targets.attention, .allLinear] { try runLoRA(smolURL, targets: targets, length: 128, batch: 4) }
    } else {
        try runGeneration(smolURL, prompts: 16, tokens: 16)
        try runRerank(smolURL, questions: 16, k: 3, tokens: 8)
    }
    exit(0)
}
let peak = sgemmPeak()
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
