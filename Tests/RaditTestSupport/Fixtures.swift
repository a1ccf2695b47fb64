import Foundation
import XCTest

/// Paths tests read from: committed fixtures, the shared data samples and fetched models.
public enum Fixtures {
    /// The repository root, found from this file's location.
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<name>`: committed reference files written by `tools/reference/`.
    public static func file(_ name: String) -> URL {
        repoRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// `../shared/data/<name>` beside the repository (never copied into it).
    public static func sharedData(_ name: String) -> URL {
        repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(name)
    }

    /// `models/<name>` as `make test` fetches it; skips the test when absent so a plain
    /// `swift test` without set-up still runs the rest.
    public static func model(_ name: String) throws -> URL {
        let url = repoRoot.appendingPathComponent("models").appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: url.path) {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("models/\(name) is missing in CI: `make test` should have fetched it")
            }
            throw XCTSkip("models/\(name) not fetched (run `make models`)")
        }
        return url
    }

    /// A fresh temporary directory, removed by the caller's teardown or left for the OS.
    public static func temporaryDirectory(_ label: String = "radit") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
