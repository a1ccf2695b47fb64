// First, before Foundation imports the C library again: `stdout` is a C global, and its
// one use here (setvbuf before anything runs) is safe.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import ArgumentParser
import RaditExperiments

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
            Sweep.self,
            ConfigCommand.self,
            Serve.self,
            Table.self,
            Report.self,
            Judge.self,
            Export.self,
            Finetune.self,
        ]
    )

    /// stdout is line-buffered even when it is a file or a pipe (`radit run … > log`), so
    /// the resolved config and each result line are in the log as soon as they are printed,
    /// and survive a kill.
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        main(Array(CommandLine.arguments.dropFirst()))
    }
}
