import ArgumentParser
import RaditExperiments

/// `radit config …`: the experiment config schema.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The experiment config: every key, its type, default, allowed values and meaning.",
        subcommands: [Explain.self])

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain every key, a section (e.g. train) or one key (e.g. train.steps).")

        @Argument(help: "A key (section.name) or a section; all keys when omitted.")
        var key: String?

        @Flag(help: "Print the Markdown reference (README's config section) instead.")
        var markdown = false

        func run() throws {
            if markdown {
                print(ConfigSchema.markdownReference(), terminator: "")
            } else {
                print(try ConfigSchema.explain(key), terminator: "")
            }
        }
    }
}
