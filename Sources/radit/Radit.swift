import ArgumentParser
import RaditBase

@main
struct Radit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radit",
        abstract: "Retrieval-augmented dual instruction tuning (RA-DIT) and RAFT, natively.",
        version: RaditVersion.string,
        subcommands: [
            Smoke.self,
            Run.self,
            Generate.self,
            Inspect.self,
            Bench.self,
        ]
    )
}
