import RaditKernels
import RaditTensor

/// How the next token is chosen.
public enum SamplingMode: Sendable, Equatable {
    /// Arg-max (ties: lowest id).
    case greedy
    /// Softmax at `temperature`, restricted to the smallest set of most likely tokens whose
    /// probability reaches `topP` (nucleus sampling, Holtzman et al. 2020); `topP = 1` keeps all.
    case sample(temperature: Double, topP: Double)
}

/// Decoding settings.
public struct GenerationConfig: Sendable, Equatable {
    public var maxTokens: Int
    public var sampling: SamplingMode
    /// Seeds the sampler (ignored by greedy).
    public var seed: UInt64
    /// Generation ends after producing one of these (it is included in the output).
    public var stopTokens: Set<Int>
    /// Generation ends once the decoded continuation contains one of these (needs a detokenizer).
    public var stopStrings: [String]

    public init(maxTokens: Int = 64, sampling: SamplingMode = .greedy, seed: UInt64 = 0,
                stopTokens: Set<Int> = [], stopStrings: [String] = []) {
        self.maxTokens = maxTokens; self.sampling = sampling; self.seed = seed
        self.stopTokens = stopTokens; self.stopStrings = stopStrings
    }
}

/// Why generation ended.
public enum StopReason: String, Sendable, Equatable {
    case maxTokens, stopToken, stopString, contextFull
}

public struct GenerationResult: Sendable, Equatable {
    /// Generated token ids (prompt excluded).
    public var tokens: [Int]
    public var stopReason: StopReason
}

/// One sequence of a batched `generate`: its cache, sampler, output and next input.
struct DecodingSequence<S: BLASScalar> {
    let cache: LlamaKVCache<S>
    var rng: RandomSource
    var out: [Int] = []
    var next: [Int]
    var stop: StopReason?
}

/// A prompt kept after `generateRetainingPrompts`: its KV cache and the logits that
/// predict the first token after it, so continuations are scored without the prompt's
/// forward. Continuations overwrite the cache past the prompt (it is rolled back first).
public final class LlamaPromptState<S: BLASScalar> {
    let cache: LlamaKVCache<S>
    public let promptLength: Int
    let nextLogits: [S] // (V)

    init(cache: LlamaKVCache<S>, promptLength: Int, nextLogits: [S]) {
        self.cache = cache
        self.promptLength = promptLength
        self.nextLogits = nextLogits
    }

    /// Tokens a scored continuation may feed after the prompt (its last token is never fed).
    public var room: Int { cache.capacity - promptLength }
}

/// Incremental decoding of one sequence (B = 1) with its own KV cache: `append` feeds
/// tokens and returns the logits that predict the next one. Several decoders over one
/// model can be advanced in turn (REPLUG's k contexts): the model's scratch buffers are
/// reused, each decoder keeps its own keys and values.
public final class LlamaDecoder<S: BLASScalar> {
    public let model: LlamaModel<S>
    let cache: LlamaKVCache<S>

    public init(model: LlamaModel<S>, capacity: Int) {
        self.model = model
        cache = LlamaKVCache<S>(config: model.config, capacity: capacity)
    }

    /// Tokens seen so far (the next token's position).
    public var length: Int { cache.length }
    public var capacity: Int { cache.capacity }

    /// Appends `tokens` (one forward over them against everything cached) and returns the
    /// next-token logits (V). Throws when they do not fit the cache.
    public func append(_ tokens: [Int]) throws -> [S] {
        let V = model.config.vocab
        guard !tokens.isEmpty else { throw LlamaError.emptyPrompt(index: 0) }
        for t in tokens where t < 0 || t >= V { throw LlamaError.tokenOutOfRange(token: t, vocab: V) }
        guard cache.length + tokens.count <= cache.capacity else {
            throw LlamaError.sequenceTooLong(length: cache.length + tokens.count, limit: cache.capacity)
        }
        let batch = try model.cachedBatch(tokens, start: cache.length)
        model.runForward(batch, training: false, logitRows: [tokens.count - 1], caches: [cache])
        return Array(UnsafeBufferPointer(start: model.work.logits.pointer, count: V))
    }
}

extension LlamaModel {
    /// Continues `prompt` with a KV cache: one prefill over the prompt, then one
    /// single-token forward per generated token. `detokenize` maps generated ids to text
    /// for stop strings; `onToken` hears each token as it is chosen (for streaming). The
    /// same as `generate(prompts: [prompt], …)`.
    public func generate(prompt: [Int], config g: GenerationConfig,
                         detokenize: (([Int]) -> String)? = nil,
                         onToken: ((Int) -> Void)? = nil) throws -> GenerationResult {
        try generate(prompts: [prompt], config: g, detokenize: detokenize,
                     onToken: onToken.map { f in { _, token in f(token) } })[0]
    }

    /// Continues every prompt as one batch: each prompt is prefilled into its own KV cache,
    /// then each decode step runs every unfinished sequence's newest token together (one row
    /// each through every matrix product, attention per sequence over its own cache). A
    /// sequence leaves the batch at a stop token or string, at `maxTokens`, or when its
    /// context is full. Each sequence gets its own sampler seeded with `g.seed`, so every
    /// result equals what `generate(prompt:)` returns for that prompt alone.
    /// At most `batchSize` sequences (each holding a KV cache of prompt + maxTokens
    /// positions) decode at once; longer lists run in consecutive groups.
    /// `onToken(sequence, token)` hears each token as it is chosen.
    public func generate(prompts: [[Int]], config g: GenerationConfig, batchSize: Int = 16,
                         detokenize: (([Int]) -> String)? = nil,
                         onToken: ((_ sequence: Int, _ token: Int) -> Void)? = nil) throws -> [GenerationResult] {
        precondition(batchSize > 0, "generate: batchSize must be positive")
        if prompts.count > batchSize {
            var results: [GenerationResult] = []
            for start in stride(from: 0, to: prompts.count, by: batchSize) {
                results += try generate(prompts: Array(prompts[start..<min(prompts.count, start + batchSize)]), config: g,
                                        batchSize: batchSize, detokenize: detokenize,
                                        onToken: onToken.map { f in { i, token in f(start + i, token) } })
            }
            return results
        }
        return try decode(prompts, config: g, scoringRoom: 0, detokenize: detokenize, onToken: onToken).results
    }

    /// Continues every prompt greedily or by sampling as `generate(prompts:…)` does (one
    /// batch, no grouping) and keeps each prompt's state, so continuations of the prompts
    /// can then be scored with `score(continuation:after:)` without running the prompts
    /// again (rerank's candidates: one prefill per context instead of one per candidate and
    /// context). Each cache has room for `scoringRoom` tokens after its prompt (at least
    /// `maxTokens`, at most the context window).
    public func generateRetainingPrompts(_ prompts: [[Int]], config g: GenerationConfig,
                                         scoringRoom: Int) throws -> (results: [GenerationResult], prompts: [LlamaPromptState<S>]) {
        let r = try decode(prompts, config: g, scoringRoom: scoringRoom, detokenize: nil, onToken: nil)
        return (r.results, r.states)
    }

    /// The decoding loop of both `generate(prompts:…)` and `generateRetainingPrompts`.
    func decode(_ prompts: [[Int]], config g: GenerationConfig, scoringRoom: Int,
                detokenize: (([Int]) -> String)?,
                onToken: ((_ sequence: Int, _ token: Int) -> Void)?) throws -> (results: [GenerationResult], states: [LlamaPromptState<S>]) {
        // Each cache: the prompt plus room for generation or scoring, within the context.
        var capacity: [Int] = []
        for (index, prompt) in prompts.enumerated() {
            guard !prompt.isEmpty else { throw LlamaError.emptyPrompt(index: index) }
            for t in prompt where t < 0 || t >= config.vocab { throw LlamaError.tokenOutOfRange(token: t, vocab: config.vocab) }
            capacity.append(min(config.maxPositions, prompt.count + max(g.maxTokens, scoringRoom)))
            guard prompt.count < capacity[index] || g.maxTokens == 0 else {
                throw LlamaError.sequenceTooLong(length: prompt.count, limit: config.maxPositions)
            }
        }
        let groups = Self.prefillGroups(prompts.map(\.count))
        // A prompt's cache also holds its group's padding while the group is prefilled.
        for group in groups { for i in group { capacity[i] = min(config.maxPositions, max(capacity[i], prompts[group[0]].count)) } }
        var seqs: [DecodingSequence<S>] = prompts.indices.map { i in
            DecodingSequence(cache: LlamaKVCache<S>(config: config, capacity: capacity[i]), rng: RandomSource(seed: g.seed),
                             next: prompts[i], stop: g.maxTokens == 0 ? .maxTokens : nil)
        }
        /// Records `token` for sequence i and decides whether it stops.
        func take(_ i: Int, _ token: Int) {
            seqs[i].out.append(token)
            onToken?(i, token)
            seqs[i].next = [token]
            if g.stopTokens.contains(token) { seqs[i].stop = .stopToken; return }
            if !g.stopStrings.isEmpty, let detokenize {
                let text = detokenize(seqs[i].out)
                if g.stopStrings.contains(where: { text.contains($0) }) { seqs[i].stop = .stopString; return }
            }
            if seqs[i].out.count >= g.maxTokens { seqs[i].stop = .maxTokens }
        }
        var kept = [LlamaPromptState<S>?](repeating: nil, count: seqs.count)
        // Prefill: prompts of similar length run as one right-padded batch. Causal attention
        // never lets a prompt token see the padding after it, so each prompt's logits and
        // cached keys/values are its own; the padding's cache rows lie past the prompt and
        // are overwritten by decoding (the cache length is set back to the prompt's).
        let V = config.vocab
        for group in groups {
            let members = group.filter { seqs[$0].stop == nil || scoringRoom > 0 }
            if members.isEmpty { continue }
            let batch = try LlamaBatch(sequences: members.map { seqs[$0].next })
            let T = batch.length
            runForward(batch, training: false, logitRows: members.enumerated().map { $0.offset * T + seqs[$0.element].next.count - 1 },
                       caches: members.map { seqs[$0].cache })
            for (row, i) in members.enumerated() {
                seqs[i].cache.length = seqs[i].next.count
                let logits = work.logits.pointer + row * V
                if scoringRoom > 0 {
                    kept[i] = LlamaPromptState(cache: seqs[i].cache, promptLength: seqs[i].next.count,
                                               nextLogits: Array(UnsafeBufferPointer(start: logits, count: V)))
                }
                if seqs[i].stop == nil { take(i, choose(logits, mode: g.sampling, rng: &seqs[i].rng)) }
            }
        }
        let states = kept.compactMap { $0 }
        // Decode: one token per unfinished sequence per step, all in one forward.
        while true {
            for i in seqs.indices where seqs[i].stop == nil && seqs[i].cache.length + 1 > seqs[i].cache.capacity {
                seqs[i].stop = .contextFull
            }
            let active = seqs.indices.filter { seqs[$0].stop == nil }
            if active.isEmpty { break }
            var batch = try LlamaBatch(sequences: active.map { seqs[$0].next })
            for (b, i) in active.enumerated() { batch.positions[b] = Int32(seqs[i].cache.length) }
            runForward(batch, training: false, logitRows: Array(0..<active.count), caches: active.map { seqs[$0].cache })
            for (b, i) in active.enumerated() {
                take(i, choose(work.logits.pointer + b * V, mode: g.sampling, rng: &seqs[i].rng))
            }
        }
        return (seqs.map { GenerationResult(tokens: $0.out, stopReason: $0.stop ?? .maxTokens) }, states)
    }

    /// `log p(continuation | prompt)` after each retained prompt: every cache is rolled back
    /// to its prompt, the continuation's first token is read off the prompt's own logits,
    /// and the rest runs against all caches in one forward (B = number of prompts). Equals
    /// `score` of each (prompt, continuation) pair up to float rounding. Throws when the
    /// continuation does not fit a cache (`LlamaPromptState.room`).
    public func score(continuation: [Int], after states: [LlamaPromptState<S>]) throws -> [AnswerScore] {
        let V = config.vocab
        guard !continuation.isEmpty, !states.isEmpty else { return states.map { _ in AnswerScore(tokenLogProbs: []) } }
        for t in continuation where t < 0 || t >= V { throw LlamaError.tokenOutOfRange(token: t, vocab: V) }
        for s in states where continuation.count - 1 > s.room {
            throw LlamaError.sequenceTooLong(length: s.promptLength + continuation.count - 1, limit: s.cache.capacity)
        }
        var logProbs = [[Double]](repeating: [], count: states.count)
        var loss: [S] = [0]
        var first = [Int32(continuation[0])]
        for (b, s) in states.enumerated() {
            s.nextLogits.withUnsafeBufferPointer { logits in
                _ = crossEntropyForward(losses: &loss, logits: logits.baseAddress!, targets: &first, rows: 1, vocab: V)
            }
            logProbs[b].append(-Double(loss[0]))
        }
        let T = continuation.count - 1
        if T > 0 {
            let inputs = Array(continuation.dropLast())
            var batch = try LlamaBatch(sequences: Array(repeating: inputs, count: states.count))
            for (b, s) in states.enumerated() {
                s.cache.length = s.promptLength
                for t in 0..<T { batch.positions[b * T + t] = Int32(s.promptLength + t) }
            }
            runForward(batch, training: false, logitRows: Array(0..<(states.count * T)), caches: states.map(\.cache))
            var losses = [S](repeating: 0, count: states.count * T)
            var targets = states.indices.flatMap { _ in continuation.dropFirst().map { Int32($0) } }
            _ = crossEntropyForward(losses: &losses, logits: work.logits.pointer, targets: &targets, rows: states.count * T, vocab: V)
            for b in states.indices { logProbs[b] += (0..<T).map { -Double(losses[b * T + $0]) } }
        }
        return logProbs.map { AnswerScore(tokenLogProbs: $0) }
    }

    /// Prompt indices grouped for prefill, longest first: a group takes the next prompt while
    /// its padded size (members × the longest) stays within 1.1× its real tokens and 2,048
    /// positions, so padding costs at most a tenth more work than one forward per prompt
    /// (bench-lm's 16 prompts of 40–116 tokens: 1,388 positions for 1,273 tokens in five
    /// groups, where one batch padded to the longest would take 1,856).
    static func prefillGroups(_ lengths: [Int]) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        var groups: [[Int]] = []
        var real = 0
        for i in order {
            if let last = groups.last {
                let padded = (last.count + 1) * lengths[last[0]]      // the first member is the longest
                if padded * 10 <= (real + lengths[i]) * 11, padded <= 2048 {
                    groups[groups.count - 1].append(i)
                    real += lengths[i]
                    continue
                }
            }
            groups.append([i])
            real = lengths[i]
        }
        return groups
    }

    /// A B = 1 batch whose positions continue from `start`.
    func cachedBatch(_ tokens: [Int], start: Int) throws -> LlamaBatch {
        var b = try LlamaBatch(sequences: [tokens])
        for i in 0..<tokens.count { b.positions[i] = Int32(start + i) }
        return b
    }

    /// Picks a token from one row of logits (V).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func choose(_ logits: UnsafePointer<S>, mode: SamplingMode, rng: inout RandomSource) -> Int {
        let V = config.vocab
        switch mode {
        case .greedy:
            var best = 0
            for i in 1..<V where logits[i] > logits[best] { best = i }
            return best
        case .sample(let temperature, let topP):
            if temperature <= 0 { return choose(logits, mode: .greedy, rng: &rng) }
            var m = -Double.infinity
            for i in 0..<V { m = max(m, Double(logits[i])) }
            var p = (0..<V).map { Double.exp((Double(logits[$0]) - m) / temperature) }
            let z = p.reduce(0, +)
            for i in 0..<V { p[i] /= z }
            if topP < 1 {
                let order = (0..<V).sorted { p[$0] > p[$1] }
                var keep = [Double](repeating: 0, count: V)
                var acc = 0.0
                for i in order {
                    keep[i] = p[i]
                    acc += p[i]
                    if acc >= topP { break }
                }
                p = keep
            }
            return rng.categorical(p)
        }
    }
}
