import Foundation

/// Appends JSON lines to `<file>.partial`, skipping instance ids an interrupted run already
/// wrote, and renames to `<file>` when complete. Instances depend only on (seed, id), so a
/// resumed file equals an uninterrupted one. A complete file is reopened (and grows) when
/// the input gained questions.
public struct ResumableJSONLWriter {
    public let url: URL
    public private(set) var writtenIDs: Set<String> = []
    private var handle: FileHandle
    private var partial: URL { url.appendingPathExtension("partial") }

    private struct IDOnly: Decodable { var id: String }

    public init(url: URL) throws {
        self.url = url
        let fm = FileManager.default
        let partial = url.appendingPathExtension("partial")
        do {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: url.path) && !fm.fileExists(atPath: partial.path) {
                try fm.moveItem(at: url, to: partial)
            }
            var kept = Data()
            if let existing = fm.contents(atPath: partial.path) {
                // Keep whole lines only: a crash may have cut the last one.
                var lineStart = existing.startIndex
                var lineNumber = 0
                for i in existing.indices where existing[i] == UInt8(ascii: "\n") {
                    lineNumber += 1
                    let line = existing[lineStart..<i]
                    guard let row = try? JSONDecoder().decode(IDOnly.self, from: line) else {
                        throw DataFileError.badLine(path: partial.path, line: lineNumber, reason: "not a JSON object with an `id`")
                    }
                    writtenIDs.insert(row.id)
                    lineStart = existing.index(after: i)
                }
                kept = existing[existing.startIndex..<lineStart]
            }
            try kept.write(to: partial)
            handle = try FileHandle(forWritingTo: partial)
            try handle.seekToEnd()
        } catch let e as DataFileError {
            throw e
        } catch {
            throw DataFileError.cannotWrite(path: partial.path, reason: "\(error)")
        }
    }

    public func contains(_ id: String) -> Bool { writtenIDs.contains(id) }

    /// Appends one encoded instance (a JSON object with an `id` field) and a newline.
    public mutating func append(_ line: String, id: String) throws {
        do { try handle.write(contentsOf: Data((line + "\n").utf8)) } catch {
            throw DataFileError.cannotWrite(path: partial.path, reason: "\(error)")
        }
        writtenIDs.insert(id)
    }

    /// Closes the file; renames it into place when `complete`, else leaves the partial
    /// file for the next run to resume.
    public func close(complete: Bool) throws {
        do {
            try handle.close()
            if complete { try AtomicFile.moveReplacing(partial, to: url) }
        } catch {
            throw DataFileError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }
}

/// What a resumable generation did.
public struct GenerationSummary: Equatable, Sendable {
    /// Instances written by this call.
    public var written: Int = 0
    /// Instances found already written by an earlier call.
    public var alreadyPresent: Int = 0
    /// Questions skipped with no gold chunk in the corpus or no answer.
    public var skipped: Int = 0
    /// False when the progress handler stopped the run (the partial file remains).
    public var complete: Bool = true

    public init() {}
}
