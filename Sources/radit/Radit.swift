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
            Models.self,
            Inspect.self,
            LM.self,
            Embed.self,
            Bench.self,
            Generate.self,
            Run.self,
            ConfigCommand.self,
        ]
    )
}
