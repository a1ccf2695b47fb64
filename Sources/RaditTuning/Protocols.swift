import RaditTensor

// The engine talks to the LM through these small protocols (and to the retriever through
// RaditRetrieval's QueryEncoder and the index layer's VectorIndex), so the same loop drives
// the native Llama/BERT models, a remote LM, or the deterministic toys in tests.

/// One (prompt, answer) pair to score or train on; the answer is the continuation.
public struct PromptAnswer: Sendable, Hashable {
    public var prompt: String
    public var answer: String
    public init(prompt: String, answer: String) {
        self.prompt = prompt
        self.answer = answer
    }
}

/// `log p_LM(y | prompt)` of one pair: the sum over answer tokens and how many there were.
public struct AnswerLogProb: Sendable, Equatable {
    public var sum: Double
    public var tokens: Int
    public init(sum: Double, tokens: Int) {
        self.sum = sum
        self.tokens = tokens
    }
    /// Mean token log-probability (Atlas PDist's score); 0 for an empty answer.
    public var mean: Double { tokens > 0 ? sum / Double(tokens) : 0 }
}

/// The one primitive (DESIGN §4): batched `log p(y | prompt)`.
public protocol AnswerScorer: AnyObject {
    /// Changes whenever the parameters change (a content hash of the checkpoint), so cached
    /// scores of an older checkpoint are never served for a newer one.
    var checkpointIdentity: String { get }
    /// One result per pair, in order.
    func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb]
}

/// What one LM-ft step reports.
public struct LMStepReport: Sendable, Equatable {
    /// Mean loss per answer token over the batch.
    public var loss: Double
    /// Tokens processed (prompt + answer), for tokens/s.
    public var tokens: Int
    public init(loss: Double, tokens: Int) {
        self.loss = loss
        self.tokens = tokens
    }
}

/// An LM that can be fine-tuned: one optimizer step on the answer-token loss of a batch.
public protocol LMTrainer: AnswerScorer {
    func trainStep(_ batch: [PromptAnswer], learningRate: Float) throws -> LMStepReport
}

/// An LM with a token budget per (prompt, answer) pair: training and scoring cut a longer
/// prompt from the left, so callers that must keep every document check the sizes first.
public protocol TokenBudget: AnyObject {
    /// Longest prompt + answer in tokens.
    var maxLength: Int { get }
    /// Tokens of `pair` as trained: the prompt with its framing, the answer with its end token.
    func tokenCounts(_ pair: PromptAnswer) -> (prompt: Int, answer: Int)
}

/// Greedy answer generation, for inference. Generation stops at the end-of-answer token
/// LM-ft trains (RA-DIT's `<bos> … <eos>`), or after `maxTokens`, which is only a cap; the
/// end token is not part of the returned text.
public protocol AnswerGenerator: AnyObject {
    func generate(_ prompts: [String], maxTokens: Int) throws -> [String]
}

/// A generator that scores continuations of the prompts it has just answered without
/// running those prompts again (rerank's candidates: one prefill per chunk instead of one
/// per candidate and chunk).
public protocol ContinuationScoringGenerator: AnswerGenerator {
    /// Greedy answers to every group's prompts, all decoded as one batch, as `generate`
    /// gives them; then, for each text that `completions(g, answers of g)` derives for group
    /// g, its log-probability after every prompt of that group:
    /// `scores[g][a][p] = log p(completions[a] | groups[g][p])`, the number
    /// `AnswerScorer.score` gives that pair up to float rounding. A group's scores are nil
    /// when one of its pairs would be scored differently (a prompt or answer cut to fit the
    /// context); the caller then scores that group through its scorer.
    func generateThenScore(_ groups: [[String]], maxTokens: Int,
                           completions: (_ group: Int, _ answers: [String]) -> [String]) throws -> (answers: [[String]], scores: [[[AnswerLogProb]]?])
}

/// The next-token distributions of one context, advanced one token at a time (one KV
/// cache per context for a native LM).
public protocol NextTokenSource: AnyObject {
    /// `log p(· | context, tokens appended so far)` over the vocabulary, (V).
    var logProbabilities: [Double] { get }
    /// True when no further token fits (the context window is full).
    var isFull: Bool { get }
    func append(_ token: Int) throws
}

/// A generator REPLUG can decode with: per-token distributions of several contexts.
public protocol MixtureGenerator: AnswerGenerator {
    /// One source per prompt, each already fed its prompt (prompts are prepared and cut as
    /// `generate` does); room is left for `maxTokens` more tokens.
    func openSources(_ prompts: [String], maxTokens: Int) throws -> [NextTokenSource]
    /// Tokens that end an answer.
    var endOfAnswer: Set<Int> { get }
    /// The text of generated tokens (end tokens dropped).
    func text(_ tokens: [Int]) -> String
}

/// Where a checkpointed tensor lives in `ckpt-<step>.h5` (DESIGN §6).
public enum CheckpointSection: String, Sendable, CaseIterable {
    case params = "params"
    case optimM = "optim/m"
    case optimV = "optim/v"
    /// Other exact state a component needs (step counters, LoRA masks), as Float tensors.
    case extra = "state/extra"
}

/// One named tensor of a component's training state.
public struct CheckpointTensor: Sendable, Equatable {
    public var section: CheckpointSection
    public var name: String
    public var tensor: Tensor<Float>
    public init(_ section: CheckpointSection, _ name: String, _ tensor: Tensor<Float>) {
        self.section = section
        self.name = name
        self.tensor = tensor
    }
    /// `section/name`, the key used by `restore`.
    public var key: String { "\(section.rawValue)/\(name)" }
}

/// A component whose whole training state (parameters, optimizer moments, step counters)
/// can be written to a checkpoint and read back exactly.
public protocol Checkpointable: AnyObject {
    /// Named tensors in a deterministic order; names are stable across runs and hold no '/'.
    func checkpointTensors() -> [CheckpointTensor]
    /// Restores from tensors keyed by `CheckpointTensor.key`; throws naming a missing or
    /// mis-shaped tensor.
    func restore(from tensors: [String: Tensor<Float>]) throws
}
