import ArgumentParser

/// `radit generate …`: write benchmark and training data (SynthKB, RAFT, RA-IT).
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate data: the SynthKB benchmark and RAFT / RA-IT training instances.",
        subcommands: [GenerateSynthKB.self, GenerateQuestions.self, GenerateRaft.self, GenerateRAIT.self])
}
