import CHDF5
import Foundation
import RaditBase

/// An open HDF5 file; also its root group. Every file Radit writes carries root
/// attributes `format`, `version`, `radit_version` and `created` (DESIGN.md §6).
public final class StoreFile: StoreGroup {
    public enum Mode: Sendable {
        case readOnly, readWrite
    }

    public let url: URL

    init(url: URL, fileHandle: HDF5Handle, rootHandle: HDF5Handle, isWritable: Bool) {
        self.url = url
        super.init(handle: rootHandle, fileHandle: fileHandle, filePath: url.path, path: "/", isWritable: isWritable)
    }

    // MARK: Creating and opening

    /// Creates a file stamped with `format` and `version`; replaces an existing file when
    /// `overwrite` (prefer `writeAtomically` for anything a crash must not damage).
    public static func create(_ url: URL, format: StoreFormat, version: Int, overwrite: Bool = true) throws -> StoreFile {
        HDF5Library.prepare()
        let path = url.path
        let loc = Location(file: path, path: "/")
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw StoreError.alreadyExists(file: path, path: "/")
        }
        let fapl = try fileAccessProperties(loc)
        let flags = overwrite ? radit_H5F_ACC_TRUNC() : radit_H5F_ACC_EXCL()
        let raw = try loc.check(H5Fcreate(path, flags, radit_H5P_DEFAULT(), fapl.raw), "creating file")
        let file = try wrap(url: url, raw: raw, writable: true)
        try file.setAttribute(StoreFormat.formatAttribute, .string(format.rawValue))
        try file.setAttribute(StoreFormat.versionAttribute, .int(version))
        try file.setAttribute("radit_version", .string(RaditVersion.string))
        try file.setAttribute("created", .string(ISO8601DateFormatter().string(from: Date())))
        return file
    }

    /// Opens an existing HDF5 file (any format).
    public static func open(_ url: URL, mode: Mode = .readOnly) throws -> StoreFile {
        HDF5Library.prepare()
        let path = url.path
        let loc = Location(file: path, path: "/")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw StoreError.fileNotFound(file: path)
        }
        let signature = radit_H5F_is_hdf5(path)
        if signature == 0 { throw StoreError.notHDF5(file: path) }
        if signature < 0 { throw openFailure(path) }
        let fapl = try fileAccessProperties(loc)
        let flags = mode == .readOnly ? radit_H5F_ACC_RDONLY() : radit_H5F_ACC_RDWR()
        let raw = H5Fopen(path, flags, fapl.raw)
        if raw < 0 { throw openFailure(path) }
        return try wrap(url: url, raw: raw, writable: mode == .readWrite)
    }

    /// Opens a file and checks its `format` and `version` root attributes.
    public static func open(_ url: URL, expecting format: StoreFormat, versions: ClosedRange<Int>,
                            mode: Mode = .readOnly) throws -> StoreFile {
        let file = try open(url, mode: mode)
        _ = try file.verify(format: format, versions: versions)
        return file
    }

    /// Checks the `format` and `version` root attributes; returns the version.
    @discardableResult
    public func verify(format expected: StoreFormat, versions: ClosedRange<Int>) throws -> Int {
        let found: String?
        switch try attribute(StoreFormat.formatAttribute) {
        case .string(let s): found = s
        case .none: found = nil
        case .some(let other): found = other.description
        }
        guard found == expected.rawValue else {
            throw StoreError.wrongFormat(file: filePath, expected: expected.rawValue, found: found)
        }
        let version: Int?
        if case .int(let v) = try attribute(StoreFormat.versionAttribute) { version = v } else { version = nil }
        guard let version, versions.contains(version) else {
            throw StoreError.unsupportedVersion(file: filePath, format: expected.rawValue, expected: versions, found: version)
        }
        return version
    }

    /// The `format` root attribute, if any.
    public func format() throws -> StoreFormat? {
        if case .string(let s) = try attribute(StoreFormat.formatAttribute) { return StoreFormat(s) }
        return nil
    }

    /// The `version` root attribute, if any.
    public func version() throws -> Int? {
        if case .int(let v) = try attribute(StoreFormat.versionAttribute) { return v }
        return nil
    }

    // MARK: Flushing and closing

    /// Writes everything buffered to disk.
    public func flush() throws {
        try location.check(H5Fflush(try id(), H5F_SCOPE_GLOBAL), "flushing")
    }

    /// Flushes and closes the file and every object opened from it; later use of those
    /// objects throws `.closed`. Closing twice is harmless.
    /// A failed flush still closes the file (a file left open would be closed again later,
    /// failing again); the first failure is thrown.
    public func close() throws {
        guard fileHandle.isOpen else { return }
        var failure: Error?
        if isWritable {
            do { try flush() } catch { failure = error }
        }
        handle.close()
        if !fileHandle.close() && failure == nil { failure = location.error("closing") }
        _ = HDF5Library.takeErrorDetail()
        if let failure { throw failure }
    }

    // MARK: Atomic writes

    /// Writes a new file through `body` at `<name>.tmp-<pid>` beside `url`, flushes,
    /// closes and fsyncs it, then renames it over `url`. If `body` throws, the temporary
    /// file is removed and `url` is untouched; a crash before the rename leaves `url`
    /// as it was (and at most a stale temporary file).
    @discardableResult
    public static func writeAtomically<R>(to url: URL, format: StoreFormat, version: Int,
                                          _ body: (StoreFile) throws -> R) throws -> R {
        let temporary = temporaryURL(for: url)
        return try publish(url, via: temporary, open: { try create(temporary, format: format, version: version, overwrite: true) }, body)
    }

    /// Changes an existing file without ever leaving it half-written: copies it to
    /// `<name>.tmp-<pid>` beside `url`, opens the copy for writing (checking `format` and
    /// `versions`), runs `body`, flushes, closes and fsyncs it, then renames it over `url`.
    /// If anything fails the copy is removed and `url` is untouched.
    @discardableResult
    public static func updateAtomically<R>(_ url: URL, expecting format: StoreFormat, versions: ClosedRange<Int>,
                                           _ body: (StoreFile) throws -> R) throws -> R {
        guard FileManager.default.fileExists(atPath: url.path) else { throw StoreError.fileNotFound(file: url.path) }
        let temporary = temporaryURL(for: url)
        unlink(temporary.path)
        do {
            try FileManager.default.copyItem(at: url, to: temporary)
        } catch {
            unlink(temporary.path)
            let ns = error as NSError
            let posix: NSError? = ns.domain == NSPOSIXErrorDomain ? ns : ns.userInfo[NSUnderlyingErrorKey] as? NSError
            throw FileSystemError(path: url.path, operation: "copying to \(temporary.lastPathComponent)",
                                  code: posix.map { Int32($0.code) } ?? EIO)
        }
        return try publish(url, via: temporary, open: { try StoreFile.open(temporary, expecting: format, versions: versions, mode: .readWrite) }, body)
    }

    /// Runs `body` on the file `open` gives at `temporary`, then closes, fsyncs and renames
    /// it over `url`; on any failure the temporary file is removed and `url` is untouched.
    private static func publish<R>(_ url: URL, via temporary: URL, open: () throws -> StoreFile,
                                   _ body: (StoreFile) throws -> R) throws -> R {
        var opened: StoreFile?
        do {
            let file = try open()
            opened = file
            let result = try body(file)
            try file.close()
            try syncFile(temporary.path)
            try AtomicFileWrite.commit(temporary, to: url)
            return result
        } catch {
            try? opened?.close()
            unlink(temporary.path)
            throw naming(error, url, for: temporary)
        }
    }

    /// A write failure names the file the caller asked for, not its temporary stand-in.
    private static func naming(_ error: Error, _ url: URL, for temporary: URL) -> Error {
        if var e = error as? FileSystemError, e.path == temporary.path {
            e.path = url.path
            return e
        }
        if case .hdf5(let file, let path, let operation, let detail)? = error as? StoreError, file == temporary.path {
            return StoreError.hdf5(file: url.path, path: path, operation: operation, detail: detail)
        }
        return error
    }

    /// `<dir>/<name>.tmp-<pid>`: same directory, so the rename never crosses file systems.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent("\(url.lastPathComponent).tmp-\(getpid())")
    }

    // MARK: Internals

    /// Why HDF5 could not open `path`: locked by a writer, or truncated/damaged.
    private static func openFailure(_ path: String) -> StoreError {
        let detail = HDF5Library.takeErrorDetail()
        if detail.contains("unable to lock") || detail.contains("file locking") { return .locked(file: path, detail: detail) }
        return .unreadable(file: path, detail: detail)
    }

    private static func fileAccessProperties(_ loc: Location) throws -> HDF5Handle {
        let fapl = HDF5Handle(try loc.check(H5Pcreate(radit_H5P_FILE_ACCESS()), "creating file properties"), closer: H5Pclose)
        // Strong: closing the file closes every object in it, so a closed file is really
        // closed (and renamable) even if a dataset object is still referenced somewhere.
        try loc.check(H5Pset_fclose_degree(fapl.raw, H5F_CLOSE_STRONG), "setting close degree")
        return fapl
    }

    private static func wrap(url: URL, raw: hid_t, writable: Bool) throws -> StoreFile {
        let fileHandle = HDF5Handle(raw, closer: H5Fclose)
        let loc = Location(file: url.path, path: "/")
        let root = try loc.check(H5Gopen2(raw, "/", radit_H5P_DEFAULT()), "opening root group")
        return StoreFile(url: url, fileHandle: fileHandle, rootHandle: HDF5Handle(root, closer: H5Gclose), isWritable: writable)
    }

    private static func syncFile(_ path: String) throws {
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw FileSystemError(path: path, operation: "opening for fsync", code: errno) }
        defer { Foundation.close(fd) }
        guard fsync(fd) == 0 else { throw FileSystemError(path: path, operation: "fsync", code: errno) }
    }
}
