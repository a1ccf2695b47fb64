import CHDF5

/// How a new dataset is laid out on disk.
public struct DatasetOptions: Sendable, Equatable {
    /// Chunk shape; chosen automatically (about 1 MiB of whole rows) when chunking is
    /// needed for compression or growth and none is given.
    public var chunkShape: [Int]?
    /// gzip (deflate) level 0...9, or nil for no compression.
    public var gzipLevel: Int?
    /// Axis 0 may grow without limit (`appendRows`), e.g. (Nd, D) embeddings written in
    /// pieces by a resumable job.
    public var extendibleRows: Bool
    /// Each chunk carries a Fletcher-32 checksum that HDF5 verifies on every read, so a
    /// changed bit is a `.checksumMismatch` error instead of a silently different value.
    /// Needs chunked storage: scalars and datasets with a zero-length axis carry none.
    public var checksum: Bool

    public init(chunkShape: [Int]? = nil, gzipLevel: Int? = nil, extendibleRows: Bool = false, checksum: Bool = false) {
        self.chunkShape = chunkShape
        self.gzipLevel = gzipLevel
        self.extendibleRows = extendibleRows
        self.checksum = checksum
    }

    /// Contiguous, uncompressed, fixed size.
    public static let contiguous = DatasetOptions()
    /// Chunked with a Fletcher-32 checksum per chunk (checkpoint tensors).
    public static let checksummed = DatasetOptions(checksum: true)
}

/// An n-dimensional array in a file. Numeric data is row-major; rows are axis 0.
public final class StoreDataset: StoreNode {
    /// The current extent.
    public func shape() throws -> [Int] {
        let space = try dataspace()
        return try dims(space.raw).current
    }

    /// Maximum extent per axis; nil marks an unlimited axis.
    public func maxShape() throws -> [Int?] {
        let space = try dataspace()
        return try dims(space.raw).maximum
    }

    public func dtype() throws -> DType {
        let type = try fileType()
        return describeType(type.raw)
    }

    /// The chunk shape, or nil for contiguous/compact storage.
    public func chunkShape() throws -> [Int]? {
        let plist = try creationProperties()
        guard H5Pget_layout(plist.raw) == H5D_CHUNKED else { return nil }
        let rank = Int(try location.check(H5Pget_chunk(plist.raw, 0, nil), "reading chunk shape"))
        var dims = [hsize_t](repeating: 0, count: rank)
        try location.check(H5Pget_chunk(plist.raw, Int32(rank), &dims), "reading chunk shape")
        return dims.map { Int($0) }
    }

    /// The filters applied to chunks, by HDF5 name with their parameters, e.g. "deflate(4)".
    public func filters() throws -> [String] {
        let plist = try creationProperties()
        let count = try location.check(H5Pget_nfilters(plist.raw), "reading filters")
        var out: [String] = []
        for i in 0..<UInt32(count) {
            var flags: UInt32 = 0
            var nValues = 8
            var values = [UInt32](repeating: 0, count: 8)
            var name = [CChar](repeating: 0, count: 64)
            var config: UInt32 = 0
            let filter = H5Pget_filter2(plist.raw, i, &flags, &nValues, &values, name.count, &name, &config)
            try location.check(filter, "reading filter \(i)")
            let label = filter == H5Z_FILTER_DEFLATE ? "gzip" : (cString(name).isEmpty ? "filter\(filter)" : cString(name))
            let params = values.prefix(min(nValues, 8)).map(String.init).joined(separator: ",")
            out.append(params.isEmpty ? label : "\(label)(\(params))")
        }
        return out
    }

    /// The gzip level when the dataset is deflate-compressed.
    public func gzipLevel() throws -> Int? {
        let plist = try creationProperties()
        let count = try location.check(H5Pget_nfilters(plist.raw), "reading filters")
        for i in 0..<UInt32(count) {
            var flags: UInt32 = 0
            var nValues = 1
            var values: [UInt32] = [0]
            var config: UInt32 = 0
            let filter = H5Pget_filter2(plist.raw, i, &flags, &nValues, &values, 0, nil, &config)
            if filter == H5Z_FILTER_DEFLATE { return Int(values[0]) }
        }
        return nil
    }

    // MARK: Reading

    /// Every element, row-major; the stored dtype must be `T`'s and, when given, the shape
    /// must equal `shape`.
    public func read<T: StoreScalar>(_ type: T.Type = T.self, shape expected: [Int]? = nil) throws -> [T] {
        let ds = try id()
        try requireDType(T.dtype)
        let shape = try self.shape()
        if let expected, expected != shape {
            throw StoreError.wrongShape(file: filePath, path: path, expected: expected, found: shape)
        }
        let count = shape.reduce(1, *)
        var values = [T](unsafeUninitializedCapacity: count) { _, n in n = count }
        if count > 0 {
            try location.check(values.withUnsafeMutableBytes {
                H5Dread(ds, nativeType(T.dtype), radit_H5S_ALL(), radit_H5S_ALL(), radit_H5P_DEFAULT(), $0.baseAddress)
            }, "reading")
        }
        return values
    }

    /// Rows `rows` of a dataset of rank ≥ 1, row-major.
    public func readRows<T: StoreScalar>(_ rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        try requireDType(T.dtype)
        let shape = try self.shape()
        let rowCount = try checkRows(rows, shape: shape)
        let count = rows.count * rowCount
        var values = [T](unsafeUninitializedCapacity: count) { _, n in n = count }
        if count > 0 {
            try transferRows(rows, shape: shape, memoryType: nativeType(T.dtype), write: false) { mem, file, memType in
                values.withUnsafeMutableBytes { H5Dread(self.handle.raw, memType, mem, file, radit_H5P_DEFAULT(), $0.baseAddress) }
            }
        }
        return values
    }

    /// Every string of a string dataset, row-major.
    public func readStrings(shape expected: [Int]? = nil) throws -> [String] {
        let ds = try id()
        try requireDType(.string)
        let shape = try self.shape()
        if let expected, expected != shape {
            throw StoreError.wrongShape(file: filePath, path: path, expected: expected, found: shape)
        }
        let type = try fileType()
        return try readStringBuffer(count: shape.reduce(1, *), fileType: type.raw, location: location, operation: "reading") { mem, buf in
            H5Dread(ds, mem, radit_H5S_ALL(), radit_H5S_ALL(), radit_H5P_DEFAULT(), buf)
        }
    }

    /// Strings of rows `rows` of a 1-D string dataset.
    public func readStringRows(_ rows: Range<Int>) throws -> [String] {
        try requireDType(.string)
        let shape = try self.shape()
        _ = try checkRows(rows, shape: shape)
        if rows.isEmpty { return [] }
        let type = try fileType()
        var result: [String] = []
        try transferRows(rows, shape: shape, memoryType: 0, write: false) { mem, file, _ in
            result = try readStringBuffer(count: rows.count * shape.dropFirst().reduce(1, *), fileType: type.raw,
                                          location: location, operation: "reading rows") { memType, buf in
                H5Dread(self.handle.raw, memType, mem, file, radit_H5P_DEFAULT(), buf)
            }
            return 0
        }
        return result
    }

    // MARK: Writing

    /// Overwrites every element (row-major); `values` must fill the current shape.
    public func write<T: StoreScalar>(_ values: [T]) throws {
        let ds = try id()
        try requireWritable()
        try requireDType(T.dtype)
        let shape = try self.shape()
        guard values.count == shape.reduce(1, *) else {
            throw StoreError.wrongCount(file: filePath, path: path, shape: shape, count: values.count)
        }
        if values.isEmpty { return }
        try location.check(values.withUnsafeBytes {
            H5Dwrite(ds, nativeType(T.dtype), radit_H5S_ALL(), radit_H5S_ALL(), radit_H5P_DEFAULT(), $0.baseAddress)
        }, "writing")
    }

    /// Overwrites every string of a string dataset.
    public func write(strings: [String]) throws {
        let ds = try id()
        try requireWritable()
        try requireDType(.string)
        let shape = try self.shape()
        guard strings.count == shape.reduce(1, *) else {
            throw StoreError.wrongCount(file: filePath, path: path, shape: shape, count: strings.count)
        }
        if strings.isEmpty { return }
        guard let type = variableStringType() else { throw location.error("writing strings") }
        try withCStringArray(strings) { buf in
            try location.check(H5Dwrite(ds, type.raw, radit_H5S_ALL(), radit_H5S_ALL(), radit_H5P_DEFAULT(), buf), "writing strings")
        }
    }

    /// Overwrites whole rows starting at `row`; `values` holds a whole number of rows.
    public func writeRows<T: StoreScalar>(_ values: [T], at row: Int) throws {
        _ = try id()
        try requireWritable()
        try requireDType(T.dtype)
        let shape = try self.shape()
        let rows = try rowRange(count: values.count, at: row, shape: shape)
        if values.isEmpty { return }
        try transferRows(rows, shape: shape, memoryType: nativeType(T.dtype), write: true) { mem, file, memType in
            values.withUnsafeBytes { H5Dwrite(self.handle.raw, memType, mem, file, radit_H5P_DEFAULT(), $0.baseAddress) }
        }
    }

    /// Overwrites strings of a 1-D string dataset starting at `row`.
    public func writeStringRows(_ strings: [String], at row: Int) throws {
        _ = try id()
        try requireWritable()
        try requireDType(.string)
        let shape = try self.shape()
        let rows = try rowRange(count: strings.count, at: row, shape: shape)
        if strings.isEmpty { return }
        guard let type = variableStringType() else { throw location.error("writing strings") }
        try withCStringArray(strings) { buf in
            try transferRows(rows, shape: shape, memoryType: type.raw, write: true) { mem, file, memType in
                H5Dwrite(self.handle.raw, memType, mem, file, radit_H5P_DEFAULT(), buf)
            }
        }
    }

    /// Grows axis 0 and writes `values` (a whole number of rows) at the end. The dataset
    /// must have been created with `extendibleRows`.
    public func appendRows<T: StoreScalar>(_ values: [T]) throws {
        let start = try grow(by: values.count)
        try writeRows(values, at: start)
    }

    /// Grows a 1-D string dataset and writes `strings` at the end.
    public func appendStrings(_ strings: [String]) throws {
        let start = try grow(by: strings.count)
        try writeStringRows(strings, at: start)
    }

    /// Sets the number of rows (axis 0) of an extendible dataset; shrinking drops rows.
    public func resize(rows: Int) throws {
        let ds = try id()
        try requireWritable()
        var shape = try self.shape()
        guard !shape.isEmpty, try maxShape()[0] == nil else {
            throw StoreError.notExtendible(file: filePath, path: path)
        }
        precondition(rows >= 0, "resize(rows:): negative row count \(rows)")
        shape[0] = rows
        try location.check(H5Dset_extent(ds, shape.map { hsize_t($0) }), "resizing to \(shapeText(shape))")
    }

    // MARK: Internals

    private func grow(by count: Int) throws -> Int {
        _ = try id()
        try requireWritable()
        let shape = try self.shape()
        guard !shape.isEmpty, try maxShape()[0] == nil else {
            throw StoreError.notExtendible(file: filePath, path: path)
        }
        let rowCount = shape.dropFirst().reduce(1, *)
        guard rowCount > 0 ? count % rowCount == 0 : count == 0 else {
            throw StoreError.wrongCount(file: filePath, path: path, shape: [-1] + shape.dropFirst(), count: count)
        }
        let added = rowCount > 0 ? count / rowCount : 0
        try resize(rows: shape[0] + added)
        return shape[0]
    }

    private func rowRange(count: Int, at row: Int, shape: [Int]) throws -> Range<Int> {
        guard !shape.isEmpty else {
            throw StoreError.wrongShape(file: filePath, path: path, expected: [-1], found: shape)
        }
        let rowCount = shape.dropFirst().reduce(1, *)
        guard rowCount > 0 ? count % rowCount == 0 : count == 0 else {
            throw StoreError.wrongCount(file: filePath, path: path, shape: [-1] + shape.dropFirst(), count: count)
        }
        let rows = row..<(row + (rowCount > 0 ? count / rowCount : 0))
        _ = try checkRows(rows, shape: shape)
        return rows
    }

    /// Elements per row, after checking `rows` lies inside axis 0.
    private func checkRows(_ rows: Range<Int>, shape: [Int]) throws -> Int {
        guard !shape.isEmpty else {
            throw StoreError.wrongShape(file: filePath, path: path, expected: [-1], found: shape)
        }
        guard rows.lowerBound >= 0, rows.upperBound <= shape[0] else {
            throw StoreError.rowsOutOfRange(file: filePath, path: path, rows: rows, available: shape[0])
        }
        return shape.dropFirst().reduce(1, *)
    }

    /// Selects rows `rows` in the file and a matching memory space, then runs `transfer`.
    private func transferRows(_ rows: Range<Int>, shape: [Int], memoryType: hid_t, write: Bool,
                              _ transfer: (hid_t, hid_t, hid_t) throws -> herr_t) throws {
        let op = write ? "writing rows \(rows.lowerBound)..<\(rows.upperBound)" : "reading rows \(rows.lowerBound)..<\(rows.upperBound)"
        let fileSpace = try dataspace()
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(rows.lowerBound)
        var count = shape.map { hsize_t($0) }
        count[0] = hsize_t(rows.count)
        try location.check(H5Sselect_hyperslab(fileSpace.raw, H5S_SELECT_SET, start, nil, count, nil), op)
        let memSpace = HDF5Handle(try location.check(H5Screate_simple(Int32(count.count), count, nil), op), closer: H5Sclose)
        try location.check(try transfer(memSpace.raw, fileSpace.raw, memoryType), op)
    }

    private func requireDType(_ expected: DType) throws {
        let found = try dtype()
        if found != expected {
            throw StoreError.wrongDType(file: filePath, path: path, expected: expected, found: found)
        }
    }

    private func dataspace() throws -> HDF5Handle {
        HDF5Handle(try location.check(H5Dget_space(try id()), "reading dataspace"), closer: H5Sclose)
    }

    private func fileType() throws -> HDF5Handle {
        HDF5Handle(try location.check(H5Dget_type(try id()), "reading datatype"), closer: H5Tclose)
    }

    private func creationProperties() throws -> HDF5Handle {
        HDF5Handle(try location.check(H5Dget_create_plist(try id()), "reading creation properties"), closer: H5Pclose)
    }

    private func dims(_ space: hid_t) throws -> (current: [Int], maximum: [Int?]) {
        let rank = Int(try location.check(H5Sget_simple_extent_ndims(space), "reading shape"))
        var current = [hsize_t](repeating: 0, count: rank)
        var maximum = [hsize_t](repeating: 0, count: rank)
        if rank > 0 { try location.check(H5Sget_simple_extent_dims(space, &current, &maximum), "reading shape") }
        let unlimited = radit_H5S_UNLIMITED()
        return (current.map { Int($0) }, maximum.map { $0 == unlimited ? nil : Int($0) })
    }
}
