import ArgumentParser
import Foundation
import RaditExperiments

/// `radit generate questions`: N questions per chunk from a teacher LM (RAFT's first step).
struct GenerateQuestions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questions",
        abstract: "Ask a teacher LM (OpenAI-compatible API) for N questions per chunk; write a BEIR folder.",
        discussion: """
        Reads any corpus the readers know (BEIR, SQuAD, HotpotQA, NQ-open, a folder of text, \
        HTML or PDF files). Writes corpus.jsonl, queries.jsonl and qrels/train.tsv to --out, \
        ready for `radit generate raft --teacher remote --data OUT`. Replies are cached by \
        content: a rerun after a crash or Ctrl-C sends only what was never answered.
        """)

    @Option(help: "Corpus: a dataset file or folder, or a folder of .txt/.html/.pdf files.") var data: String
    @Option(help: "Questions per chunk.") var perChunk: Int
    @Option(help: "Evaluation dataset whose questions are kept out of the generated ones.") var exclude: String?
    @Option(help: "Split of --exclude to keep out.") var excludeSplit: GenerationSplit = .test
    @Option(help: "Output folder.") var out: String
    @OptionGroup(title: "Teacher") var teacher: TeacherOptions

    func run() throws {
        let progress = ProgressRenderer()
        defer { progress.finish() }
        var job = QuestionGeneration(data: data, perChunk: perChunk, teacher: try teacher.settings(out: out),
                                     out: URL(fileURLWithPath: out))
        job.excludeData = exclude
        job.excludeSplit = excludeSplit
        StopSignals.install()
        let r = try job.run(progress: StopSignals.wrap(progress.handle))
        progress.finish()
        print("questions: \(r.questions) from \(r.chunks) chunks (\(r.droppedEvaluation) dropped as evaluation questions, "
              + "\(r.droppedDuplicate) as repeats, \(r.shortReplies) replies with fewer than \(perChunk)) → \(out)")
        print("  " + r.teacher.summary)
    }
}
