import Foundation
import RaditBase

/// Errors writing or reading generated data files; messages name the path and the fix.
public enum DataFileError: RaditError, Equatable {
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case badLine(path: String, line: Int, reason: String)
    case settingsMismatch(path: String, existing: String, requested: String)

    public var message: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason). Check that the folder exists and is writable."
        case let .cannotRead(path, reason):
            return "cannot read \(path): \(reason)."
        case let .badLine(path, line, reason):
            return "\(path):\(line): \(reason). Delete the file to regenerate it."
        case let .settingsMismatch(path, existing, requested):
            return "\(path) holds instances generated with \(existing), not \(requested); "
                + "write to another folder or delete the file (and its .partial) to start over."
        }
    }
}

/// Whole-file writes through `AtomicFileWrite` (temporary file, fsync, rename), so a crash
/// or a full disk never leaves a half-written output under the final name.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        do throws(FileSystemError) { try AtomicFileWrite.write(data, to: url) } catch {
            throw DataFileError.cannotWrite(path: url.path, reason: error.message)
        }
    }

    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Renames a finished file into place (atomic: the target is replaced, never removed first).
    static func moveReplacing(_ from: URL, to url: URL) throws {
        do throws(FileSystemError) { try AtomicFileWrite.commit(from, to: url) } catch {
            throw DataFileError.cannotWrite(path: url.path, reason: error.message)
        }
    }
}

/// One JSON object per line, keys sorted and slashes unescaped, so bytes are stable.
enum JSONLine {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
