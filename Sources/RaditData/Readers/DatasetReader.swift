import Foundation
import RaditText

/// The dataset shapes Radit reads.
public enum DatasetFormat: String, Sendable, CaseIterable, Equatable {
    case beir
    case squad
    case hotpotqa
    case nq
    case folder
}

/// Settings shared by the readers.
public struct ReadOptions: Sendable {
    /// Skip malformed records and count them in `Dataset.report` instead of failing.
    public var lenient: Bool
    /// BEIR qrels split (`qrels/<split>.tsv`).
    public var split: String
    /// Chunker for folders of long documents (nil: one chunk per file).
    public var chunker: Chunker?

    public init(lenient: Bool = false, split: String = "test", chunker: Chunker? = nil) {
        self.lenient = lenient
        self.split = split
        self.chunker = chunker
    }
}

/// Reads any supported dataset, detecting the format when not given.
public enum DatasetReader {
    public static func read(_ path: String, format: DatasetFormat? = nil,
                            options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(file: path, reason: "no such file or folder")
        }
        // A folder holding exactly one .json/.jsonl file (like ../shared/data samples) reads as that file.
        if isDirectory.boolValue && format != .beir && format != .folder,
           !FileManager.default.fileExists(atPath: path + "/corpus.jsonl") {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonl") }.sorted()
            if files.count == 1 { return try read(path + "/" + files[0], format: format, options: options) }
            if format != nil {
                throw DataError.unknownFormat(path: path, detail: "expected one .json or .jsonl file in the folder, found \(files.count)")
            }
        }
        let chosen: DatasetFormat
        if let format { chosen = format } else { chosen = try detect(path, isDirectory: isDirectory.boolValue) }
        switch chosen {
        case .beir: return try BEIRReader.read(folder: path, options: options)
        case .folder: return try TextFolderReader.read(folder: path, options: options)
        case .nq: return try NQOpenReader.read(file: path, options: options)
        case .squad: return try SQuADReader.read(file: path, options: options)
        case .hotpotqa: return try HotpotQAReader.read(file: path, options: options)
        }
    }

    /// Guesses the format: a folder with `corpus.jsonl` is BEIR, another folder is a text
    /// folder; `.jsonl` is NQ-open; a JSON object with `data` is SQuAD; a JSON array whose
    /// records have `supporting_facts` or `context` is HotpotQA.
    public static func detect(_ path: String, isDirectory: Bool) throws(DataError) -> DatasetFormat {
        if isDirectory {
            return FileManager.default.fileExists(atPath: path + "/corpus.jsonl") ? .beir : .folder
        }
        if path.hasSuffix(".jsonl") { return .nq }
        // Look at the first bytes only: enough to tell an object with "data" from an array.
        let bytes = try readFileBytes(path)
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let trimmed = head.drop { $0.isWhitespace }
        if trimmed.hasPrefix("[") && (head.contains("\"supporting_facts\"") || head.contains("\"context\"")) { return .hotpotqa }
        if trimmed.hasPrefix("{") && head.contains("\"data\"") { return .squad }
        if trimmed.hasPrefix("{") && head.contains("\"question\"") { return .nq }
        throw DataError.unknownFormat(path: path, detail: "cannot tell the dataset format from the file's start")
    }
}
