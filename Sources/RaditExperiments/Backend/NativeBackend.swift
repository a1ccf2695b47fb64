import Foundation
import RaditBase
import RaditModels
import RaditTensor
import RaditText
import RaditTuning

/// The native backend: the configured data, the BERT bi-encoder (query side tuned, document
/// side frozen) over the index layer's FlatIndex, and the Llama LM (LoRA or full LM-ft).
/// `lm.model = "tiny"` / `retriever.model = "tiny"` build small from-scratch models over
/// UTF-8 bytes, seeded by `train.seed`: the smoke-test and resume-test configuration.
public struct NativeBackend: ExperimentBackend {
    public static let tiny = "tiny"

    public init() {}

    public func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        let queries = try Self.retriever(settings, root: root)
        // Chunk lengths count the retriever's own tokens (without framing tokens).
        let codec = queries.codec
        let data = try ExperimentData.load(settings, root: root, tokenCount: { codec.encode(String($0), special: false).count },
                                           progress: progress)
        let lm = try Self.languageModel(settings, root: root)
        var documents: [Float] = []
        let batch = 32
        let texts = data.corpus.indexedTexts
        for start in stride(from: 0, to: texts.count, by: batch) {
            documents += try queries.embedDocuments(Array(texts[start..<min(texts.count, start + batch)])).scalars
            if progress(ProgressEvent(stage: "embed", done: min(texts.count, start + batch),
                                      total: texts.count, unit: "chunks")) == .stop { break }
        }
        let index = try FlatChunkIndex(embeddings: Tensor(shape: [texts.count, queries.dimension], scalars: documents))
        let raft = settings.train.tuning.lmSource == .raft
            ? try RaftTraining.instances(settings, corpus: data.corpus, train: data.splits.train) : []
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

    static func retriever(_ settings: RunSettings, root: URL) throws -> BiEncoderQueries {
        let s = settings.retriever
        let base: BertEncoder<Float>
        let codec: TextCodec
        if s.model == tiny {
            let c = BertConfig(vocabSize: ByteCodec().vocabularySize, hiddenSize: 32, numHiddenLayers: 2,
                               numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 512)
            base = BertEncoder.random(config: c, seed: settings.train.seed &+ 1, trainable: .none)
            codec = ByteCodec()
        } else {
            let dir = RunSettings.resolve(s.model, root: root)
            base = try BertEncoder.load(directory: dir)
            codec = TokenizerCodec(try Tokenizer(tokenizerJSON: dir.appendingPathComponent("tokenizer.json")))
        }
        let bi = BiEncoder(base: base, training: .queryOnly, queryTrainable: s.trainableLayers == 0 ? .all : .topLayers(s.trainableLayers))
        let queries = BiEncoderQueries(biEncoder: bi, codec: codec, maxLength: s.maxLength)
        queries.adamW = settings.train.retrieverOptimizer.adamW
        queries.clipNorm = settings.train.retrieverOptimizer.clipNorm
        return queries
    }
}
