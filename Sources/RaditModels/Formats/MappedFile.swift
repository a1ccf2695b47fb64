import Foundation
import RaditBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes of a model file: memory-mapped from disk (pages are read only when a
/// tensor touches them) or held in memory for tests of malformed inputs.
public final class MappedFile: @unchecked Sendable {
    /// Where the bytes came from, for error messages.
    public let path: String
    /// The whole file. Valid while `self` lives; never written.
    public let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// Maps `url` read-only.
    public init(url: URL) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw ModelFileError.cannotOpen(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ModelFileError.cannotOpen(path: url.path, reason: String(cString: strerror(errno)))
        }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw ModelFileError.cannotOpen(path: url.path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        mapped = true
    }

    /// Copies `data` into memory owned by this object (tests, in-memory buffers).
    public init(bytes data: [UInt8], path: String = "<memory>") {
        self.path = path
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 64)
        data.withUnsafeBytes { src in
            if let base = src.baseAddress { p.baseAddress!.copyMemory(from: base, byteCount: data.count) }
        }
        bytes = UnsafeRawBufferPointer(start: p.baseAddress, count: data.count)
        mapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            base.deallocate()
        }
    }

    public var count: Int { bytes.count }
}

/// Errors opening model files of any format.
public enum ModelFileError: RaditError, Equatable {
    case cannotOpen(path: String, reason: String)

    public var message: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open model file (\(reason)); check the path, or run `radit models fetch`"
        }
    }
}

/// The product of sizes read from a file, or nil when it overflows `Int` (a corrupt size
/// must fail, not wrap into a plausible small number).
func checkedProduct(_ sizes: [Int]) -> Int? {
    var product = 1
    for s in sizes {
        guard s >= 0 else { return nil }
        let (p, overflow) = product.multipliedReportingOverflow(by: s)
        if overflow { return nil }
        product = p
    }
    return product
}
