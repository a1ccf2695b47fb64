import RaditBase

/// Everything that can go wrong reading or writing a Radit HDF5 file. Each message names
/// the file, the path inside it and what was expected, and says how to fix it.
public enum StoreError: RaditError, Equatable {
    case fileNotFound(file: String)
    case notHDF5(file: String)
    /// The file has an HDF5 signature but cannot be opened: truncated or damaged.
    case unreadable(file: String, detail: String)
    /// Another process holds the file open for writing (HDF5 file locking).
    case locked(file: String, detail: String)
    case wrongFormat(file: String, expected: String, found: String?)
    case unsupportedVersion(file: String, format: String, expected: ClosedRange<Int>, found: Int?)
    /// `kind` is "group", "dataset", "attribute" or "tensor".
    case missing(file: String, path: String, kind: String)
    case alreadyExists(file: String, path: String)
    case wrongKind(file: String, path: String, expected: String, found: String)
    case wrongDType(file: String, path: String, expected: DType, found: DType)
    case wrongShape(file: String, path: String, expected: [Int], found: [Int])
    /// The number of values handed over does not fill the shape.
    case wrongCount(file: String, path: String, shape: [Int], count: Int)
    case rowsOutOfRange(file: String, path: String, rows: Range<Int>, available: Int)
    case notExtendible(file: String, path: String)
    case unexpectedTensor(file: String, path: String)
    case invalidName(file: String, name: String, reason: String)
    case filterUnavailable(file: String, path: String, filter: String)
    case wrongAttributeType(file: String, path: String, name: String, expected: String, found: String)
    case readOnly(file: String, path: String)
    case closed(file: String)
    case hdf5(file: String, path: String, operation: String, detail: String)
    /// A dataset's stored checksum (HDF5 Fletcher-32 filter) does not match its bytes.
    case checksumMismatch(file: String, path: String)

    public var message: String {
        switch self {
        case .fileNotFound(let file):
            return "\(file): no such file (check the path)"
        case .notHDF5(let file):
            return "\(file): not an HDF5 file (no HDF5 signature); was it written by Radit or h5py?"
        case .unreadable(let file, let detail):
            return "\(file): HDF5 file is truncated or damaged and cannot be opened (\(detail)); "
                + "rewrite it, or restore it from the last good copy"
        case .locked(let file, let detail):
            return "\(file): another process has it open for writing (HDF5: \(detail)); wait for that process "
                + "to finish, or on a file system without locks set HDF5_USE_FILE_LOCKING=FALSE"
        case .wrongFormat(let file, let expected, let found):
            let what = found.map { "format \"\($0)\"" } ?? "no root attribute \"format\""
            return "\(file): expected a file of format \"\(expected)\" but found \(what); "
                + "pass the right file"
        case .unsupportedVersion(let file, let format, let expected, let found):
            let what = found.map { "version \($0)" } ?? "no root attribute \"version\""
            let range = expected.count == 1 ? "\(expected.lowerBound)" : "\(expected.lowerBound)...\(expected.upperBound)"
            return "\(file): \(format) version \(range) expected but found \(what); "
                + "rewrite it with this Radit or use the Radit that wrote it"
        case .missing(let file, let path, let kind):
            return "\(file): no \(kind) at \(path)"
        case .alreadyExists(let file, let path):
            return "\(file): \(path) already exists; remove it first or pick another name"
        case .wrongKind(let file, let path, let expected, let found):
            return "\(file): \(path) is a \(found), expected a \(expected)"
        case .wrongDType(let file, let path, let expected, let found):
            return "\(file): \(path) holds \(found), expected \(expected)"
        case .wrongShape(let file, let path, let expected, let found):
            return "\(file): \(path) has shape \(shapeText(found)), expected \(shapeText(expected))"
        case .wrongCount(let file, let path, let shape, let count):
            return "\(file): \(path): \(count) values do not fill shape \(shapeText(shape)) "
                + "(\(shape.reduce(1, *)) needed)"
        case .rowsOutOfRange(let file, let path, let rows, let available):
            return "\(file): \(path): rows \(rows.lowerBound)..<\(rows.upperBound) out of range "
                + "(the dataset has \(available) rows)"
        case .notExtendible(let file, let path):
            return "\(file): \(path) cannot grow: create it with DatasetOptions(extendibleRows: true)"
        case .unexpectedTensor(let file, let path):
            return "\(file): unexpected tensor \(path) (the model does not have it; "
                + "was the file written with a different configuration?)"
        case .invalidName(let file, let name, let reason):
            return "\(file): invalid name \"\(name)\": \(reason)"
        case .filterUnavailable(let file, let path, let filter):
            return "\(file): \(path): the HDF5 library has no \(filter) filter; "
                + "install an HDF5 built with zlib or write without compression"
        case .wrongAttributeType(let file, let path, let name, let expected, let found):
            return "\(file): attribute \"\(name)\" on \(path) is \(found), expected \(expected)"
        case .readOnly(let file, let path):
            return "\(file): \(path): file was opened read-only; open it with mode .readWrite to change it"
        case .closed(let file):
            return "\(file): the file was already closed"
        case .hdf5(let file, let path, let operation, let detail):
            return "\(file): \(path): \(operation) failed (HDF5: \(detail.isEmpty ? "no detail" : detail))"
        case .checksumMismatch(let file, let path):
            return "\(file): \(path) fails its Fletcher-32 checksum: the stored bytes changed after they were "
                + "written (disk or copy error); restore the file from a good copy or regenerate it"
        }
    }
}

/// `(3, 4)` style, `()` for a scalar.
func shapeText(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

