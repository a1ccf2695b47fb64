import ArgumentParser
import Foundation
import RaditExperiments

extension DistractorSourceKind: ExpressibleByArgument {}
extension RaftNoOracleAnswer: ExpressibleByArgument {}
extension GenerationSplit: ExpressibleByArgument {}

/// `radit generate raft`: RAFT training instances plus chat and prompt–completion exports.
struct GenerateRaft: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raft",
        abstract: "Write RAFT instances (oracle with probability P plus n distractors) and JSONL exports.",
        discussion: """
        P, n and the distractor source have no defaults: each run states them, and every \
        instance records them. Re-running with the same options resumes an interrupted run.
        """)

    @Option(help: "Dataset: a SynthKB folder, a HotpotQA/SQuAD/NQ file, or a BEIR folder.") var data: String
    @Option(help: "Split to read (SynthKB and BEIR qrels); all: every SynthKB split, exported as train/validation/test.")
    var split: GenerationSplit = .train
    @Option(name: .customLong("p"), help: "Probability P that an instance holds the oracle chunk(s).") var p: Double
    @Option(help: "Distractors n beside the oracle (instances without it hold n + |gold|).") var distractors: Int
    @Option(help: "Distractor source: random, bm25 or dense.") var source: DistractorSourceKind
    @Option(help: "Target of instances without the oracle: same_answer (RAFT: the oracle's CoT answer) or none_of_the_documents (Radit).")
    var noOracleAnswer: RaftNoOracleAnswer = .sameAnswer
    @Option(help: "Seed; with the same data and options the output is byte-identical.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var out: String
    @OptionGroup(title: "Encoder for --source dense") var encoder: EncoderOptions
    @Option(help: "System message of the chat export (empty: none).")
    var system: String = "Answer the question using the documents. Quote the evidence, then give the final answer after <ANSWER>:."

    func run() throws {
        let progress = ProgressRenderer()
        defer { progress.finish() }
        var job = RaftGeneration(data: data, p: p, distractors: distractors, source: source, out: URL(fileURLWithPath: out))
        job.split = split
        job.seed = seed
        job.model = encoder.model
        job.modelsDir = encoder.modelsDirectory
        job.system = system.isEmpty ? nil : system
        job.noOracleAnswer = noOracleAnswer
        let r = try job.run(progress: progress.handle)
        progress.finish()
        print("RAFT: \(r.instances) instances (\(r.summary.written) new, \(r.summary.alreadyPresent) resumed, "
              + "\(r.summary.skipped) questions skipped), oracle in \(r.withOracle) (\(r.unquoted) without a quote), "
              + "P=\(p), n=\(distractors), source=\(source.rawValue), no-oracle answer=\(noOracleAnswer.rawValue), seed=\(seed) → \(out)")
        for n in r.notes { print("  " + n) }
    }
}
