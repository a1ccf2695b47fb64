import Foundation
import RaditBase
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditText
import RaditTuning

/// The native backend: SynthKB data, the BERT bi-encoder (query side tuned, document side
/// frozen) over the index layer's FlatIndex, and the Llama LM (LoRA or full LM-ft).
/// `lm.model = "tiny"` / `retriever.model = "tiny"` build small from-scratch models over
/// UTF-8 bytes, seeded by `train.seed`: the smoke-test and resume-test configuration.
public struct NativeBackend: ExperimentBackend {
    public static let tiny = "tiny"
    /// Document embeddings kept between runs; nil embeds the corpus every time.
    public var embeddingCache: EmbeddingCache?

    public init(embeddingCache: EmbeddingCache? = nil) {
        self.embeddingCache = embeddingCache
    }

    /// Keeps document embeddings in `<runsDirectory>/.cache/embeddings/`, shared by every
    /// run in that folder (a re-run with `--overwrite` reads them back).
    public init(runsDirectory: URL) {
        self.init(embeddingCache: EmbeddingCache(directory: runsDirectory.appendingPathComponent(".cache/embeddings")))
    }

    public func build(_ config: ExperimentConfig, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        let data = try ExperimentData.load(config, progress: progress)
        guard !data.train.isEmpty else { throw RunError.emptySplit(split: "train") }
        let lm = try Self.languageModel(config, root: root)
        let queries = try Self.retriever(config, root: root)
        // The index must hold every chunk: progress is reported, a stop request waits for the
        // training loop's next safe point.
        let documents: Tensor<Float> // (Nd, D)
        if let embeddingCache {
            documents = try embeddingCache.embeddings(ids: data.chunkIDs, texts: data.chunks.texts,
                                                      encoder: queries.documents, progress: { e in
                _ = progress(e)
                return .proceed
            })
        } else {
            documents = Tensor(shape: [data.chunks.count, queries.dimension],
                               scalars: try queries.documents.encode(data.chunks.texts, progress: { e in
                _ = progress(e)
                return .proceed
            }))
        }
        let index = try FlatIndex(dimension: queries.dimension, metric: .innerProduct, vectors: documents.scalars)
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

    /// The run's retriever: the query encoder R-ft tunes and the frozen document encoder,
    /// both reading text through one `SentenceEncoder` (the only place a tokenizer is
    /// prepared for an encoder), cut at `retriever.max_length` tokens.
    public static func retriever(_ config: ExperimentConfig, root: URL) throws -> BiEncoderQueries {
        let name = config.string("retriever.model")
        let maxLength = config.int("retriever.max_length")
        guard maxLength >= 2 else {
            throw ConfigError.invalid(key: "retriever.max_length", reason: "is \(maxLength); an encoder needs at least 2 tokens ([CLS] and [SEP])")
        }
        let base: SentenceEncoder<Float>
        if name == tiny {
            let c = BertConfig(vocabSize: ByteCodec().vocabularySize, hiddenSize: 32, numHiddenLayers: 2,
                               numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 512)
            let encoder = BertEncoder<Float>.random(config: c, seed: UInt64(bitPattern: Int64(config.int("train.seed"))) &+ 1,
                                                    trainable: .none)
            base = SentenceEncoder(name: tiny, encoder: encoder, codec: ByteCodec(),
                                   maxLength: min(maxLength, c.maxPositionEmbeddings))
        } else {
            base = try SentenceEncoder.load(directory: config.path("retriever.model", root: root), maxLength: maxLength)
        }
        let layers = config.int("retriever.trainable_layers")
        return BiEncoderQueries(base: base, training: .queryOnly, queryTrainable: layers == 0 ? .all : .topLayers(layers))
    }
}
