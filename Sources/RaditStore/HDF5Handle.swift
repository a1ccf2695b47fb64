import CHDF5

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
    private static let opened: Bool = H5open() >= 0

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

    func error(_ operation: String) -> StoreError {
        .hdf5(file: file, path: path, operation: operation, detail: HDF5Library.takeErrorDetail())
    }

    /// Throws an `.hdf5` error when an HDF5 call returned a negative status or id.
    @discardableResult
    func check<T: BinaryInteger>(_ status: T, _ operation: @autoclosure () -> String) throws -> T {
        if status < 0 { throw error(operation()) }
        return status
    }
}
