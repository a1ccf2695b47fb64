import Foundation
import RaditTestSupport
import XCTest

/// Every `radit …` command an error message suggests exists, with the options it names:
/// the messages' commands are collected from the sources (code lines, not comments) and
/// each is checked against the built CLI's `--help`.
final class SuggestedCommandTests: XCTestCase {
    /// `radit run --resume \(d)` → (["run"], ["--resume"]): the leading lower-case words
    /// (subcommands, or arguments: `testEverySuggestedCommandExists` tells them apart by
    /// asking the CLI), then every `--option` named.
    static func suggestions(in text: String) -> [(words: [String], options: [String])] {
        var out: [(words: [String], options: [String])] = []
        var rest = text[...]
        while let r = rest.range(of: "`radit ") {
            let tail = rest[r.upperBound...]
            let end = tail.firstIndex(of: "`") ?? tail.endIndex
            let tokens = tail[..<end].split(separator: " ").map(String.init)
            let words = tokens.prefix { t in t.first?.isLowercase == true && t.allSatisfy { $0.isLowercase || $0 == "-" } }
            let options = tokens.filter { $0.hasPrefix("--") }.map { String($0.prefix { $0 != "=" }) }
            out.append((Array(words), options))
            rest = tail[end...]
        }
        return out
    }

    func testSuggestionParser() {
        let found = Self.suggestions(in: #"continue it with `radit run --resume \(d)`; or `radit models fetch`"#)
        XCTAssertEqual(found.map(\.words), [["run"], ["models", "fetch"]])
        XCTAssertEqual(found.map(\.options), [["--resume"], []])
    }

    func testEverySuggestedCommandExists() throws {
        let radit = try builtRadit()
        let sources = Fixtures.repoRoot.appendingPathComponent("Sources")
        var seen: [String: String] = [:] // command line → where
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//"), code.contains("\"") else { continue }
                for s in Self.suggestions(in: code) {
                    let key = (s.words + s.options).joined(separator: " ")
                    seen[key] = seen[key] ?? "\(file.lastPathComponent):\(i + 1)"
                }
            }
        }
        XCTAssertFalse(seen.isEmpty, "no suggested commands found: the scan is broken")
        let dir = Fixtures.temporaryDirectory("help")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (key, place) in seen.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: " ").map(String.init)
            // The deepest prefix of the words that the CLI knows as a command; the rest
            // are arguments.
            var command: [String] = []
            var help = ""
            for word in parts.filter({ !$0.hasPrefix("--") }) {
                let r = try runRadit(radit, command + [word, "--help"], in: dir)
                let text = r.out + r.err
                guard r.status == 0, text.contains("USAGE: radit " + (command + [word]).joined(separator: " ")) else { break }
                command.append(word)
                help = text
            }
            XCTAssertFalse(command.isEmpty, "`radit \(key)` (suggested at \(place)): no such command")
            for option in parts.filter({ $0.hasPrefix("--") }) where !command.isEmpty {
                XCTAssertTrue(help.contains(option),
                              "`radit \(key)` (suggested at \(place)): `radit \(command.joined(separator: " "))` has no option \(option)")
            }
        }
    }
}
