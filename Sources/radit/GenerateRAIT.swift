import ArgumentParser
import Foundation
import RaditExperiments

extension RAITMode: ExpressibleByArgument {}

/// `radit generate rait`: RA-DIT LM-ft instances, one per retrieved chunk (BM25 top-k).
struct GenerateRAIT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rait",
        abstract: "Write RA-IT instances (Background/Question/Answer per retrieved chunk) and JSONL exports.")

    @Option(help: "Dataset: a SynthKB folder, a HotpotQA/SQuAD/NQ file, or a BEIR folder.") var data: String
    @Option(help: "Split to read (SynthKB and BEIR qrels); all: every SynthKB split, exported as train/validation/test.")
    var split: GenerationSplit = .train
    @Option(help: "Retrieved chunks per question (RA-DIT uses 3).") var k: Int
    @Option(help: "separate (one instance per chunk) or concat (all k in one prompt).") var mode: RAITMode = .separate
    @Option(name: [.customLong("oracle-share"), .customLong("gold-share")],
            help: "Oracle share P: share of questions whose k-th chunk is replaced by a gold chunk missing from the top k.")
    var oracleShare: Double = 0
    @Option(help: "Prompt template with {c}, {x} and a final {y}.")
    var template: String = PromptTemplate.raDIT.text
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var out: String

    func run() throws {
        let progress = ProgressRenderer()
        defer { progress.finish() }
        var job = RAITGeneration(data: data, k: k, out: URL(fileURLWithPath: out))
        job.split = split
        job.mode = mode
        job.oracleShare = oracleShare
        job.template = try PromptTemplate(template)
        job.seed = seed
        let r = try job.run(progress: progress.handle)
        progress.finish()
        print("RA-IT: \(r.instances) instances (\(r.summary.written) new, \(r.summary.alreadyPresent) resumed), "
              + "k=\(k), mode=\(mode.rawValue), oracle share=\(oracleShare), seed=\(seed) → \(out)")
        for n in r.notes { print("  " + n) }
    }
}
