import Foundation
import RaditBase
import RaditData
import RaditIndex
import RaditRetrieval
import RaditTensor
@testable import RaditTuning

// Small deterministic stand-ins for the LM and the retriever, so the engine's logic is
// tested in milliseconds. They implement the same protocols the Llama/BERT adapters do.

func toyWords(_ s: String) -> [String] {
    s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
}

/// A one-token-answer "LM": logits_w = b_w + α·[w in context and not in question].
/// Trained by SGD on −log p(y | prompt); it learns to copy the new word from the context.
final class ToyLM: LMTrainer, AnswerGenerator, Checkpointable {
    let vocab: [String]
    let slot: [String: Int]
    var bias: [Float]
    var alpha: Float
    var scoreCalls = 0
    var scoredPairs = 0

    init(vocab: [String], alpha: Float = 0) {
        self.vocab = vocab
        var s: [String: Int] = [:]
        for (i, w) in vocab.enumerated() { s[w] = i }
        slot = s
        bias = [Float](repeating: 0, count: vocab.count)
        self.alpha = alpha
    }

    var checkpointIdentity: String {
        var h = SHA256()
        for x in bias + [alpha] { withUnsafeBytes(of: x.bitPattern.littleEndian) { h.update($0) } }
        return SHA256.hexString(h.finalize())
    }

    /// Context and question words parsed back out of the default template.
    func parse(_ prompt: String) -> (context: Set<String>, question: Set<String>) {
        let parts = prompt.components(separatedBy: "Question:")
        let ctx = parts.count > 1 ? toyWords(parts[0].replacingOccurrences(of: "Background:", with: "")) : []
        let q = toyWords((parts.last ?? "").replacingOccurrences(of: "Answer:", with: ""))
        return (Set(ctx), Set(q))
    }

    func logits(_ prompt: String) -> [Double] { // (V)
        let (ctx, q) = parse(prompt)
        return vocab.indices.map { w in
            Double(bias[w]) + (ctx.contains(vocab[w]) && !q.contains(vocab[w]) ? Double(alpha) : 0)
        }
    }

    func logProb(_ pair: PromptAnswer) -> AnswerLogProb {
        let z = logits(pair.prompt)
        let lse = logSumExp(z)
        let ys = toyWords(pair.answer)
        return AnswerLogProb(sum: ys.reduce(0) { $0 + (slot[$1].map { z[$0] - lse } ?? -30) }, tokens: ys.count)
    }

    func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb] {
        scoreCalls += 1
        scoredPairs += pairs.count
        return pairs.map(logProb)
    }

    func trainStep(_ batch: [PromptAnswer], learningRate: Float) throws -> LMStepReport {
        var gb = [Double](repeating: 0, count: vocab.count)
        var ga = 0.0
        var loss = 0.0
        var tokens = 0
        for pair in batch {
            let (ctx, q) = parse(pair.prompt)
            let z = logits(pair.prompt)
            let p = softmax(z)
            for y in toyWords(pair.answer) {
                guard let yi = slot[y] else { continue }
                loss -= Foundation.log(p[yi])
                tokens += 1
                for w in vocab.indices {
                    let d = p[w] - (w == yi ? 1 : 0)
                    gb[w] += d
                    if ctx.contains(vocab[w]) && !q.contains(vocab[w]) { ga += d }
                }
            }
        }
        let n = Double(max(1, tokens))
        for w in vocab.indices { bias[w] -= learningRate * Float(gb[w] / n) }
        alpha -= learningRate * Float(ga / n)
        return LMStepReport(loss: loss / n, tokens: tokens + batch.count * 8)
    }

    func generate(_ prompts: [String], maxTokens: Int) throws -> [String] {
        prompts.map { prompt in
            let z = logits(prompt)
            var best = 0
            for w in z.indices where z[w] > z[best] { best = w }
            return " " + vocab[best]
        }
    }

    func checkpointTensors() -> [CheckpointTensor] {
        [CheckpointTensor(.params, "lm.bias", Tensor(shape: [bias.count], scalars: bias)),
         CheckpointTensor(.params, "lm.alpha", Tensor(shape: [1], scalars: [alpha]))]
    }

    func restore(from t: [String: Tensor<Float>]) throws {
        bias = t["params/lm.bias"]!.scalars
        alpha = t["params/lm.alpha"]!.scalars[0]
    }
}

/// Bag-of-words query encoder: e = normalise(Σ_w E[w]); SGD on E.
final class ToyEncoder: QueryEncoder, Checkpointable {
    let slot: [String: Int]
    let dimension: Int
    var table: [Float] // (V, D)
    var grad: [Float]

    init(vocab: [String], dimension: Int, seed: UInt64) {
        var s: [String: Int] = [:]
        for (i, w) in vocab.enumerated() { s[w] = i }
        slot = s
        self.dimension = dimension
        var r = RandomSource(seed: seed)
        table = (0..<vocab.count * dimension).map { _ in Float(r.normal()) }
        grad = [Float](repeating: 0, count: table.count)
    }

    func raw(_ q: String) -> [Float] {
        var u = [Float](repeating: 0, count: dimension)
        for w in toyWords(q) { if let i = slot[w] { for d in 0..<dimension { u[d] += table[i * dimension + d] } } }
        return u
    }

    func embed(_ queries: [String]) throws -> Tensor<Float> {
        var out: [Float] = []
        for q in queries {
            let u = raw(q)
            let n = max(1e-6, sqrt(u.reduce(0) { $0 + $1 * $1 }))
            out += u.map { $0 / n }
        }
        return Tensor(shape: [queries.count, dimension], scalars: out)
    }

    func backward(_ queries: [String], embeddingGradient g: Tensor<Float>) throws {
        for (b, q) in queries.enumerated() {
            let u = raw(q)
            let n = max(1e-6, sqrt(u.reduce(0) { $0 + $1 * $1 }))
            let e = u.map { $0 / n }
            let gb = g.row(b)
            let dot = zip(e, gb).reduce(0) { $0 + $1.0 * $1.1 }
            let du = (0..<dimension).map { (gb[$0] - e[$0] * dot) / n } // (I − e eᵀ) g / |u|
            for w in toyWords(q) { if let i = slot[w] { for d in 0..<dimension { grad[i * dimension + d] += du[d] } } }
        }
    }

    func step(learningRate: Float) throws {
        for i in table.indices { table[i] -= learningRate * grad[i] }
        grad = [Float](repeating: 0, count: grad.count)
    }

    func checkpointTensors() -> [CheckpointTensor] {
        [CheckpointTensor(.params, "retriever.query.table", Tensor(shape: [table.count / dimension, dimension], scalars: table))]
    }

    func restore(from t: [String: Tensor<Float>]) throws { table = t["params/retriever.query.table"]!.scalars }
}

/// A tiny knowledge base: entities with a colour and a city, one chunk per fact, so each
/// entity's two chunks are near-duplicates; questions ask one attribute.
struct ToyKB {
    var vocab: [String]
    var corpus: Corpus
    var train: [Example]
    var dev: [Example]

    init(entities: Int = 24, seed: UInt64 = 7) {
        var r = RandomSource(seed: seed)
        let syll = ["ka", "lo", "mi", "ru", "te", "zo", "vi", "ne", "pa", "shu"]
        var names: [String] = []
        while names.count < entities {
            let n = syll[r.int(below: syll.count)] + syll[r.int(below: syll.count)] + syll[r.int(below: syll.count)]
            if !names.contains(n) { names.append(n) }
        }
        let colours = ["teal", "amber", "violet", "ochre", "crimson", "olive"]
        let cities = ["oslo", "lima", "pune", "kiev", "bern", "doha"]
        var texts: [String] = []
        var examples: [Example] = []
        for (i, n) in names.enumerated() {
            let c = colours[r.int(below: colours.count)]
            let t = cities[r.int(below: cities.count)]
            texts.append("\(n) colour \(c)")
            examples.append(Example(id: "q\(i)c", question: "which colour is \(n)", answers: [c], gold: [Relevance(id: "c\(texts.count - 1)")]))
            texts.append("\(n) city \(t)")
            examples.append(Example(id: "q\(i)t", question: "which city is \(n)", answers: [t], gold: [Relevance(id: "c\(texts.count - 1)")]))
        }
        var order = Array(examples.indices)
        r.shuffle(&order)
        let cut = examples.count * 3 / 4
        train = order[..<cut].map { examples[$0] }
        dev = order[cut...].map { examples[$0] }
        corpus = try! Corpus(texts.enumerated().map { Chunk(id: "c\($0.offset)", title: "", text: $0.element) })
        vocab = Array(Set((texts + examples.map(\.question)).flatMap(toyWords))).sorted()
    }
}

/// A fresh (LM, encoder, index) triple; the (exact) index holds the base encoder's chunk vectors.
func toyModels(_ kb: ToyKB, dimension: Int = 6, seed: UInt64 = 3, alpha: Float = 0.5) throws -> (ToyLM, ToyEncoder, FlatIndex) {
    let lm = ToyLM(vocab: kb.vocab, alpha: alpha)
    let enc = ToyEncoder(vocab: kb.vocab, dimension: dimension, seed: seed)
    let docs = try enc.embed(kb.corpus.indexedTexts)
    let index = try FlatIndex(dimension: dimension, metric: .innerProduct, vectors: docs.scalars)
    return (lm, enc, index)
}
