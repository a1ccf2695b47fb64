import Foundation
import RaditBase
import RaditModels
import RaditTensor
import RaditText
import RaditTuning

/// The native backend: SynthKB data, the BERT bi-encoder (query side tuned, document side
/// frozen) over the index layer's FlatIndex, and the Llama LM (LoRA or full LM-ft).
/// `lm.model = "tiny"` / `retriever.model = "tiny"` build small from-scratch models over
/// UTF-8 bytes, seeded by `train.seed`: the smoke-test and resume-test configuration.
public struct NativeBackend: ExperimentBackend {
    public static let tiny = "tiny"

    public init() {}

    public func build(_ config: ExperimentConfig, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        let data = try ExperimentData.load(config, progress: progress)
        guard !data.train.isEmpty else { throw RunError.emptySplit(split: "train") }
        let lm = try Self.languageModel(config, root: root)
        let queries = try Self.retriever(config, root: root)
        var documents: [Float] = []
        let batch = 32
        for start in stride(from: 0, to: data.chunks.count, by: batch) {
            let texts = Array(data.chunks.texts[start..<min(data.chunks.count, start + batch)])
            documents += try queries.embedDocuments(texts).scalars
            if progress(ProgressEvent(stage: "embed", done: min(data.chunks.count, start + batch),
                                      total: data.chunks.count, unit: "chunks")) == .stop { break }
        }
        let index = try FlatChunkIndex(embeddings: Tensor(shape: [data.chunks.count, queries.dimension], scalars: documents))
        let raft = config.string("train.lm_source") == LMInstanceSource.raft.rawValue
            ? try RaftTraining.instances(config, chunks: data.chunks, train: data.train, format: try config.promptFormat) : []
        return ExperimentSetup(lm: lm, encoder: queries, index: index, chunks: data.chunks, train: data.train, dev: data.dev,
                               raft: raft)
    }

    static func languageModel(_ config: ExperimentConfig, root: URL) throws -> LlamaLM {
        let name = config.string("lm.model")
        let model: LlamaModel<Float>
        let codec: TextCodec
        let identity: String
        if name == tiny {
            let c = LlamaConfig(layers: 2, width: 64, heads: 4, kvHeads: 2, mlpWidth: 128, vocab: ByteCodec().vocabularySize,
                                ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, ropeLayout: .halfSplit,
                                maxPositions: 1024, bosToken: 1, eosToken: 2)
            model = try LlamaModel(config: c, seed: UInt64(bitPattern: Int64(config.int("train.seed"))))
            codec = ByteCodec()
            identity = "tiny-llama:\(c):seed=\(config.int("train.seed"))"
        } else {
            let url = config.path("lm.model", root: root)
            model = try LlamaModel(gguf: url)
            codec = TokenizerCodec(try GGUFFile(url: url).tokenizer())
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            identity = "gguf:\(url.lastPathComponent):\(size)"
        }
        if config.string("lm.finetune") == "lora" {
            try model.enableLoRA(LoRAConfig(rank: config.int("lm.lora_rank"), alpha: config.double("lm.lora_alpha"),
                                            dropout: config.double("lm.lora_dropout"),
                                            targets: config.string("lm.lora_targets") == "all" ? .allLinear : .attention,
                                            seed: UInt64(bitPattern: Int64(config.int("train.seed")))))
        }
        return LlamaLM(model: model, codec: codec, baseIdentity: identity, maxLength: config.int("lm.max_length"))
    }

    static func retriever(_ config: ExperimentConfig, root: URL) throws -> BiEncoderQueries {
        let name = config.string("retriever.model")
        let base: BertEncoder<Float>
        let codec: TextCodec
        if name == tiny {
            let c = BertConfig(vocabSize: ByteCodec().vocabularySize, hiddenSize: 32, numHiddenLayers: 2,
                               numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 512)
            base = BertEncoder.random(config: c, seed: UInt64(bitPattern: Int64(config.int("train.seed"))) &+ 1, trainable: .none)
            codec = ByteCodec()
        } else {
            let dir = config.path("retriever.model", root: root)
            base = try BertEncoder.load(directory: dir)
            codec = TokenizerCodec(try Tokenizer(tokenizerJSON: dir.appendingPathComponent("tokenizer.json")))
        }
        let layers = config.int("retriever.trainable_layers")
        let bi = BiEncoder(base: base, training: .queryOnly, queryTrainable: layers == 0 ? .all : .topLayers(layers))
        return BiEncoderQueries(biEncoder: bi, codec: codec, maxLength: config.int("retriever.max_length"))
    }
}
