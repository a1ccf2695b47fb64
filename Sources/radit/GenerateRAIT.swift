import ArgumentParser
import Foundation
import RaditData
import RaditRetrieval

extension RAITMode: ExpressibleByArgument {}

/// `radit generate rait`: RA-DIT LM-ft instances, one per retrieved chunk (BM25 top-k).
struct GenerateRAIT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rait",
        abstract: "Write RA-IT instances (Background/Question/Answer per retrieved chunk) and JSONL exports.")

    @Option(help: "Dataset: a SynthKB folder, a HotpotQA/SQuAD/NQ file, or a BEIR folder.") var data: String
    @Option(help: "Split to read (SynthKB and BEIR qrels); all: every SynthKB split, exported as train/validation/test.")
    var split: GenerateSplit = .train
    @Option(help: "Retrieved chunks per question (RA-DIT uses 3).") var k: Int
    @Option(help: "separate (one instance per chunk) or concat (all k in one prompt).") var mode: RAITMode = .separate
    @Option(name: [.customLong("oracle-share"), .customLong("gold-share")],
            help: "Oracle share P: share of questions whose k-th chunk is replaced by a gold chunk missing from the top k.")
    var oracleShare: Double = 0
    @Option(help: "Prompt template with {c}, {x} and a final {y}.")
    var template: String = "Background: {c}\n\nQuestion: {x}\nAnswer: {y}"
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var out: String

    func run() throws {
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let input = try GenerationInput.load(data, split: split)
        let builder = try RAITBuilder(k: k, template: try PromptTemplate(template), mode: mode, oracleShare: oracleShare, seed: seed)
        let outURL = URL(fileURLWithPath: out)
        let file = outURL.appendingPathComponent("rait.jsonl")
        let retriever = BM25Retriever(corpus: input.dataset.corpus)
        let summary = try builder.write(input.dataset.queries.examples, corpus: input.dataset.corpus, retriever: retriever,
                                        to: file, progress: progress.handle)
        let instances = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(RAITInstance.self, from: Data($0.utf8))
        }
        let examples = instances.map { TrainingExample($0, system: nil, split: input.exportSplit($0.questionID)) }
        let notes = try input.export(examples, seed: seed, to: outURL, name: "rait")
        print("RA-IT: \(instances.count) instances (\(summary.written) new, \(summary.alreadyPresent) resumed), "
              + "k=\(k), mode=\(mode.rawValue), oracle share=\(oracleShare), seed=\(seed) → \(out)")
        for n in notes { print("  " + n) }
    }
}
