import Foundation
import RaditBase
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditText
import RaditTuning

/// The native backend: the configured data, the BERT bi-encoder (query side tuned, document
/// side frozen) over the index layer's FlatIndex, and the Llama LM (LoRA or full LM-ft).
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

    public func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        let queries = try Self.retriever(settings, root: root)
        // Chunk lengths count the retriever's own tokens (without framing tokens).
        let codec = queries.queries.codec
        let data = try ExperimentData.load(settings, root: root, tokenCount: { codec.encode(String($0), special: false).count },
                                           progress: progress)
        let lm = try Self.languageModel(settings, root: root)
        // The index must hold every chunk: progress is reported, a stop request waits for the
        // training loop's next safe point.
        let texts = data.corpus.indexedTexts
        let documents: Tensor<Float> // (Nd, D)
        if let embeddingCache {
            documents = try embeddingCache.embeddings(ids: data.corpus.chunks.map(\.id), texts: texts,
                                                      encoder: queries.documents, progress: { e in
                _ = progress(e)
                return .proceed
            })
        } else {
            documents = Tensor(shape: [texts.count, queries.dimension],
                               scalars: try queries.documents.encode(texts, progress: { e in
                _ = progress(e)
                return .proceed
            }))
        }
        let index = try FlatIndex(dimension: queries.dimension, metric: .innerProduct, vectors: documents.scalars)
        // Dense RAFT distractors rank with the base retriever (the query encoder before R-ft).
        let raft = settings.train.tuning.lmSource == .raft
            ? try RaftTraining.instances(settings, corpus: data.corpus, train: data.splits.train,
                                         dense: try DenseRetriever(queries: queries, index: index)) : []
        return ExperimentSetup(lm: lm, encoder: queries, index: index, data: data, raft: raft)
    }

    static func languageModel(_ settings: RunSettings, root: URL) throws -> LlamaLM {
        let s = settings.lm
        let seed = settings.train.seed
        let model: LlamaModel<Float>
        let codec: TextCodec
        let identity: String
        if s.model == tiny {
            let c = LlamaConfig(layers: 2, width: 64, heads: 4, kvHeads: 2, mlpWidth: 128, vocab: ByteCodec().vocabularySize,
                                ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, ropeLayout: .halfSplit,
                                maxPositions: 1024, bosToken: 1, eosToken: 2)
            model = try LlamaModel(config: c, seed: seed)
            codec = ByteCodec()
            identity = "tiny-llama:\(c):seed=\(Int64(bitPattern: seed))"
        } else {
            let url = RunSettings.resolve(s.model, root: root)
            model = try LlamaModel(gguf: url)
            codec = TokenizerCodec(try GGUFFile(url: url).tokenizer())
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            identity = "gguf:\(url.lastPathComponent):\(size)"
        }
        if s.finetune == .lora { try model.enableLoRA(s.lora(seed: seed)) }
        return LlamaLM(model: model, codec: codec, baseIdentity: identity, maxLength: s.maxLength,
                       scoringBatchSize: s.scoringBatch, microBatchSize: settings.train.lmMicroBatch,
                       optimizer: settings.train.lmOptimizer)
    }

    /// The run's retriever: the query encoder R-ft tunes and the frozen document encoder,
    /// both reading text through one `SentenceEncoder` (the only place a tokenizer is
    /// prepared for an encoder), cut at `retriever.max_length` tokens.
    public static func retriever(_ settings: RunSettings, root: URL) throws -> BiEncoderQueries {
        let s = settings.retriever
        let base: SentenceEncoder<Float>
        if s.model == tiny {
            let c = BertConfig(vocabSize: ByteCodec().vocabularySize, hiddenSize: 32, numHiddenLayers: 2,
                               numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 512)
            let encoder = BertEncoder<Float>.random(config: c, seed: settings.train.seed &+ 1, trainable: .none)
            base = SentenceEncoder(name: tiny, encoder: encoder, codec: ByteCodec(),
                                   maxLength: min(s.maxLength, c.maxPositionEmbeddings))
        } else {
            base = try SentenceEncoder.load(directory: RunSettings.resolve(s.model, root: root), maxLength: s.maxLength)
        }
        return BiEncoderQueries(base: base, training: .queryOnly,
                                queryTrainable: s.trainableLayers == 0 ? .all : .topLayers(s.trainableLayers),
                                optimizer: settings.train.retrieverOptimizer.adamW,
                                clipNorm: settings.train.retrieverOptimizer.clipNorm)
    }
}
