import Foundation
import RaditTestSupport
import XCTest

/// Issue 11's import graph, read from the sources: RaditEval stands on RaditData only, and
/// the CLI parses and renders through RaditExperiments (plus the read-only Store and Models
/// pieces behind `inspect`, `lm` and `models`).
final class ImportGraphTests: XCTestCase {
    /// Imported modules of every Swift file in `Sources/<target>`, by file name.
    func imports(_ target: String) throws -> [String: Set<String>] {
        let dir = Fixtures.repoRoot.appendingPathComponent("Sources/\(target)")
        var out: [String: Set<String>] = [:]
        let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        for name in files where name.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            out[name] = Set(text.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count else { return nil }
                return String(words[i + 1])
            })
        }
        XCTAssertFalse(out.isEmpty, "no sources in \(dir.path)")
        return out
    }

    func testEvalImportsOnlyData() throws {
        for (file, modules) in try imports("RaditEval") {
            XCTAssertTrue(modules.isSubset(of: ["Foundation", "RaditBase", "RaditData"]), "RaditEval/\(file) imports \(modules.sorted())")
        }
    }

    func testCLIImportsExperimentsAndReadOnlyPieces() throws {
        let readOnly: [String: Set<String>] = ["Inspect.swift": ["RaditStore"], "LM.swift": ["RaditModels"], "Models.swift": ["RaditModels"]]
        for (file, modules) in try imports("radit") {
            // Glibc/Darwin: the C library itself (setvbuf, signal), not a Radit layer.
            let allowed = Set(["ArgumentParser", "Foundation", "Glibc", "Darwin", "RaditExperiments"]).union(readOnly[file] ?? [])
            XCTAssertTrue(modules.isSubset(of: allowed), "radit/\(file) imports \(modules.subtracting(allowed).sorted())")
        }
    }
}
