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
    /// Skip malformed records and unreadable files, counting them in `Dataset.report`,
    /// instead of failing.
    public var lenient: Bool
    /// BEIR qrels split (`qrels/<split>.tsv`).
    public var split: String
    /// Splits every document into chunks (`Corpus.chunked`); nil keeps documents whole.
    public var chunker: Chunker?
    /// Refuse a dataset without questions (benchmarks, RAFT generation, training).
    public var requireQuestions: Bool

    public init(lenient: Bool = false, split: String = "test", chunker: Chunker? = nil, requireQuestions: Bool = false) {
        self.lenient = lenient
        self.split = split
        self.chunker = chunker
        self.requireQuestions = requireQuestions
    }
}

/// Reads any supported dataset, detecting the format when not given. Every file may be
/// gzipped. An empty corpus is an error, and so is a dataset without questions when
/// `options.requireQuestions` is set.
public enum DatasetReader {
    public static func read(_ path: String, format: DatasetFormat? = nil,
                            options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        var dataset = try readWhole(path, format: format, options: options)
        if dataset.corpus.isEmpty { throw DataError.emptyCorpus(path: path) }
        if options.requireQuestions && dataset.queries.isEmpty {
            throw DataError.noQuestions(path: path, format: dataset.format.rawValue)
        }
        if let chunker = options.chunker { dataset = try dataset.chunked(by: chunker) }
        return dataset
    }

    static func readWhole(_ path: String, format: DatasetFormat?, options: ReadOptions) throws(DataError) -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(file: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            let isBEIR = isBEIRFolder(path)
            let files = datasetFiles(in: path)
            switch format {
            case .beir?:
                return try BEIRReader.read(folder: path, options: options)
            case .folder?:
                if let f = isBEIR ? "corpus.jsonl" : files.first { throw DataError.datasetInTextFolder(folder: path, file: f) }
                return try TextFolderReader.read(folder: path, options: options)
            case nil where isBEIR:
                return try BEIRReader.read(folder: path, options: options)
            case nil where files.isEmpty:
                return try TextFolderReader.read(folder: path, options: options)
            default:
                // A folder holding one dataset file (like the ../shared/data samples) reads as that file.
                guard files.count == 1 else {
                    throw DataError.unknownFormat(path: path, detail: files.isEmpty
                        ? "expected one .json or .jsonl file in the folder, found none"
                        : "holds \(files.count) dataset files (\(files.joined(separator: ", "))); pass one of them")
                }
                return try readWhole(path + "/" + files[0], format: format, options: options)
            }
        }
        let chosen: DatasetFormat
        if let format { chosen = format } else { chosen = try detect(path, isDirectory: false) }
        switch chosen {
        case .beir, .folder:
            throw DataError.unknownFormat(path: path, detail: "is a file, and --format \(chosen.rawValue) reads a folder")
        case .nq: return try NQOpenReader.read(file: path, options: options)
        case .squad: return try SQuADReader.read(file: path, options: options)
        case .hotpotqa: return try HotpotQAReader.read(file: path, options: options)
        }
    }

    /// Whether a folder is a BEIR dataset (`corpus.jsonl`, maybe gzipped).
    static func isBEIRFolder(_ folder: String) -> Bool {
        existingDataFile(folder + "/corpus.jsonl") != nil
    }

    /// Names of the `.json`/`.jsonl` files (maybe gzipped) directly inside a folder, sorted.
    static func datasetFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { isDatasetFileName($0) }.sorted()
    }

    static func isDatasetFileName(_ name: String) -> Bool {
        let n = withoutGzipSuffix(name)
        return !name.hasPrefix(".") && (n.hasSuffix(".json") || n.hasSuffix(".jsonl"))
    }

    /// Guesses the format: a folder with `corpus.jsonl` is BEIR, a folder holding one
    /// `.json`/`.jsonl` file is that file's format, another folder is a text folder;
    /// `.jsonl` is NQ-open; a JSON object with `data` is SQuAD; a JSON array whose records
    /// have `supporting_facts` or `context` is HotpotQA. `.gz` files are judged by their
    /// name without `.gz` and their decompressed start.
    public static func detect(_ path: String, isDirectory: Bool) throws(DataError) -> DatasetFormat {
        if isDirectory {
            if isBEIRFolder(path) { return .beir }
            let files = datasetFiles(in: path)
            if files.count == 1 { return try detect(path + "/" + files[0], isDirectory: false) }
            return .folder
        }
        if withoutGzipSuffix(path).hasSuffix(".jsonl") { return .nq }
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
