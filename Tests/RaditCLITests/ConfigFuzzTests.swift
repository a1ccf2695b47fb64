import Foundation
import RaditBase
import RaditExperiments
import RaditTestSupport
import XCTest

/// Acceptance (issue 16): 1,000 seeded mutations of a config TOML give a typed error or a
/// valid config, never a crash, an untyped error or a hang.
final class ConfigFuzzTests: XCTestCase {
    func testMutatedConfigTOML() throws {
        let original = [UInt8](try Data(contentsOf: Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml")))
        let dir = Fixtures.temporaryDirectory("config-fuzz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("fuzz.toml")
        let root = Fixtures.repoRoot
        let counts = Fuzzer(seed: 16).run(original, label: "config toml", isTyped: { $0 is RaditError }) { bytes in
            try Data(bytes).write(to: url)
            let config = try ExperimentConfig.load(url)
            try config.validate(root: root, checkFiles: false)
        }
        XCTAssertEqual(counts.total, 1000)
    }
}
