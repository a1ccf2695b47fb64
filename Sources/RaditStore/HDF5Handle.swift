import CHDF5
import RaditBase

/// One HDF5 identifier, closed exactly once: explicitly, or when the last Swift owner goes
/// away. Files are opened with the strong close degree, so closing a file closes every
/// object in it; the validity check keeps a later `deinit` from closing an id twice
/// (HDF5 never reuses ids within a process run).
final class HDF5Handle {
    private(set) var raw: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ raw: hid_t, closer: @escaping (hid_t) -> herr_t) {
        self.raw = raw
        self.closer = closer
    }

    var isOpen: Bool { raw >= 0 && H5Iis_valid(raw) > 0 }

    /// Closes the id; false when HDF5 reported an error while closing.
    @discardableResult
    func close() -> Bool {
        guard raw >= 0 else { return true }
        let id = raw
        raw = -1
        guard H5Iis_valid(id) > 0 else { return true }
        return closer(id) >= 0
    }

    deinit { close() }
}

/// Process-wide HDF5 set-up, done before every entry into the library.
enum HDF5Library {
    /// HDF5 1.10 leaves the id of a file whose `H5Fclose` failed (e.g. the final flush hit a
    /// full disk) registered while freeing the file's internals; its at-exit clean-up then
    /// closes that id again and segfaults inside `H5F__close_cb` (exit 139). Radit closes
    /// every file itself and never touches a failed id again, so the library's at-exit
    /// clean-up is switched off; `H5dont_atexit` only works before the library starts.
    private static let opened: Bool = {
        _ = H5dont_atexit()
        return H5open() >= 0
    }()

    /// Opens the library once and silences HDF5's own printing of error stacks (per
    /// thread in thread-safe builds, so this runs on every entry).
    static func prepare() {
        _ = opened
        radit_H5E_silence()
    }

    /// The current HDF5 error stack as one line (outermost first), then cleared.
    static func takeErrorDetail() -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        buffer.withUnsafeMutableBufferPointer { radit_H5E_describe($0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The errno HDF5's file driver recorded ("errno = 28, error message = ..."), if any.
    static func systemErrno(in detail: String) -> Int32? {
        guard let r = detail.range(of: "errno = ") else { return nil }
        let digits = detail[r.upperBound...].prefix { $0.isNumber }
        guard let code = Int32(digits), code > 0 else { return nil }
        return code
    }

    static var zlibAvailable: Bool {
        prepare()
        guard H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 else { return false }
        var flags: UInt32 = 0
        guard H5Zget_filter_info(H5Z_FILTER_DEFLATE, &flags) >= 0 else { return false }
        return flags & UInt32(H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0
    }
}

/// Where an object lives, for error messages.
struct Location {
    let file: String
    let path: String

    /// The current HDF5 failure as a typed error: a failed system call inside HDF5 (it
    /// records "errno = N": disk full, permission denied, ...) becomes a `FileSystemError`,
    /// a Fletcher-32 mismatch `.checksumMismatch`, anything else `.hdf5` with the detail.
    func error(_ operation: String) -> Error {
        let detail = HDF5Library.takeErrorDetail()
        if detail.contains("Fletcher32") {
            return StoreError.checksumMismatch(file: file, path: path)
        }
        if let code = HDF5Library.systemErrno(in: detail) {
            return FileSystemError(path: file, operation: path == "/" ? operation : "\(operation) \(path)", code: code)
        }
        return StoreError.hdf5(file: file, path: path, operation: operation, detail: detail)
    }

    /// Throws an `.hdf5` error when an HDF5 call returned a negative status or id.
    @discardableResult
    func check<T: BinaryInteger>(_ status: T, _ operation: @autoclosure () -> String) throws -> T {
        if status < 0 { throw error(operation()) }
        return status
    }
}
