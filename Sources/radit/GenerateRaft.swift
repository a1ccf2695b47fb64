import ArgumentParser
import Foundation
import RaditExperiments

extension DistractorSourceKind: ExpressibleByArgument {}
extension RaftNoOracleAnswer: ExpressibleByArgument {}
extension GenerationSplit: ExpressibleByArgument {}

/// Who writes the CoT answers of `generate raft`.
enum RaftTeacher: String, ExpressibleByArgument, CaseIterable {
    /// RAFT's format filled from the supporting sentence (SynthKB, HotpotQA, answer spans).
    case template
    /// A teacher LM over the OpenAI API, every answer validated.
    case remote
}

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
    @Option(help: "Who writes the CoT answers: template (from the supporting sentence) or remote (a teacher LM; needs --teacher-url and --teacher-model).")
    var teacher: RaftTeacher = .template
    @Option(help: "Teacher answers per question: the first, then retries of one that failed validation (quotes verbatim in a gold document, <ANSWER>: present).")
    var teacherAttempts = 3
    @OptionGroup(title: "Teacher (--teacher remote)") var teacherOptions: TeacherOptions
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
        if teacher == .remote {
            job.teacher = try teacherOptions.settings(out: out)
            job.teacherAttempts = teacherAttempts
        } else if teacherOptions.teacherURL != nil || teacherOptions.teacherModel != nil {
            throw ValidationError("--teacher-url/--teacher-model are used only with --teacher remote")
        }
        StopSignals.install()
        let r = try job.run(progress: StopSignals.wrap(progress.handle))
        progress.finish()
        print("RAFT: \(r.instances) instances (\(r.summary.written) new, \(r.summary.alreadyPresent) resumed, "
              + "\(r.summary.skipped) questions skipped), oracle in \(r.withOracle) (\(r.unquoted) without a quote), "
              + "P=\(p), n=\(distractors), source=\(source.rawValue), no-oracle answer=\(noOracleAnswer.rawValue), seed=\(seed) → \(out)")
        for n in r.notes { print("  " + n) }
        if let t = r.teacher { print("  " + t.summary) }
    }
}
