import ArgumentParser
import Foundation
import RaditExperiments

/// `radit generate synthkb`: a fictional knowledge base with questions, in BEIR and
/// HotpotQA layouts.
struct GenerateSynthKB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthkb",
        abstract: "Write a SynthKB knowledge base (corpus, queries, qrels, HotpotQA-style JSON).")

    @Option(help: "Number of entities (one document each).") var entities: Int = 1000
    @Option(help: "Seed; the same seed gives byte-identical files.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var out: String
    @Option(help: "Share of entities with a look-alike name derived from an earlier one.")
    var nearDuplicateRate: Double = 0.45
    @Option(help: "Share of entities held out of train/dev questions (test 'unseen').")
    var heldOut: Double = 0.1

    func run() throws {
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let config = SynthKBConfig(entities: entities, seed: seed, nearDuplicateRate: nearDuplicateRate,
                                   heldOutFraction: heldOut)
        let kb = try SynthKB.generate(config, progress: progress.handle)
        try kb.write(to: URL(fileURLWithPath: out))
        let perSplit = SynthSplit.allCases.map { s in "\(s.rawValue)=\(kb.questions.filter { $0.split == s }.count)" }
        print("SynthKB: \(kb.documents.count) documents, \(kb.questions.count) questions "
              + "(\(perSplit.joined(separator: ", "))) → \(out)")
    }
}
