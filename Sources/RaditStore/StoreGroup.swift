import CHDF5
import RaditTensor

/// What a link in a group points at.
public enum StoreObjectKind: String, Sendable {
    case group, dataset, other
}

/// A named child of a group.
public struct StoreChild: Hashable, Sendable {
    public var name: String
    public var kind: StoreObjectKind
    public init(name: String, kind: StoreObjectKind) {
        self.name = name
        self.kind = kind
    }
}

/// A group: a folder of groups and datasets. Paths may be relative ("params/w") or
/// absolute ("/params/w"); creating something creates the missing groups on its path.
public class StoreGroup: StoreNode {
    // MARK: Navigation

    /// Whether an object exists at `path` (every group on the way must exist too).
    public func exists(_ path: String) throws -> Bool {
        try kind(of: path) != nil
    }

    /// The kind of object at `path`, or nil when there is none.
    public func kind(of path: String) throws -> StoreObjectKind? {
        let loc = try id()
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.isEmpty { return .group }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in parts {
            prefix += "/" + part
            let status = H5Lexists(loc, prefix, radit_H5P_DEFAULT())
            if status < 0 { _ = HDF5Library.takeErrorDetail(); return nil }
            if status == 0 { return nil }
        }
        let obj = H5Oopen(loc, prefix, radit_H5P_DEFAULT())
        if obj < 0 { _ = HDF5Library.takeErrorDetail(); return .other }
        defer { H5Oclose(obj) }
        switch H5Iget_type(obj) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Children of this group in name order.
    public func children() throws -> [StoreChild] {
        let loc = try id()
        var info = H5G_info_t()
        try location.check(H5Gget_info(loc, &info), "listing")
        var out: [StoreChild] = []
        for i in 0..<info.nlinks {
            let size = try location.check(H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, radit_H5P_DEFAULT()), "listing")
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            try location.check(H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, radit_H5P_DEFAULT()), "listing")
            let name = cString(buffer)
            out.append(StoreChild(name: name, kind: try kind(of: name) ?? .other))
        }
        return out
    }

    /// Opens the group at `path`.
    public func group(_ path: String) throws -> StoreGroup {
        try requireKind(path, .group)
        let raw = try location.check(H5Gopen2(try id(), path, radit_H5P_DEFAULT()), "opening group \(path)")
        return StoreGroup(handle: HDF5Handle(raw, closer: H5Gclose), fileHandle: fileHandle, filePath: filePath,
                          path: childPath(path), isWritable: isWritable)
    }

    /// Creates the group at `path` and any missing groups above it.
    @discardableResult
    public func createGroup(_ path: String) throws -> StoreGroup {
        try requireWritable()
        try validate(path)
        if try exists(path) { throw StoreError.alreadyExists(file: filePath, path: childPath(path)) }
        let lcpl = try linkCreationProperties()
        let raw = try location.check(H5Gcreate2(try id(), path, lcpl.raw, radit_H5P_DEFAULT(), radit_H5P_DEFAULT()),
                                     "creating group \(path)")
        return StoreGroup(handle: HDF5Handle(raw, closer: H5Gclose), fileHandle: fileHandle, filePath: filePath,
                          path: childPath(path), isWritable: isWritable)
    }

    /// Opens the group at `path`, creating it (and its parents) when missing.
    @discardableResult
    public func requireGroup(_ path: String) throws -> StoreGroup {
        try exists(path) ? try group(path) : try createGroup(path)
    }

    /// Opens the dataset at `path`.
    public func dataset(_ path: String) throws -> StoreDataset {
        try requireKind(path, .dataset)
        let raw = try location.check(H5Dopen2(try id(), path, radit_H5P_DEFAULT()), "opening dataset \(path)")
        return StoreDataset(handle: HDF5Handle(raw, closer: H5Dclose), fileHandle: fileHandle, filePath: filePath,
                            path: childPath(path), isWritable: isWritable)
    }

    /// Removes the link at `path` (HDF5 does not shrink the file; rewrite to reclaim space).
    public func remove(_ path: String) throws {
        try requireWritable()
        guard try exists(path) else { throw StoreError.missing(file: filePath, path: childPath(path), kind: "object") }
        try location.check(H5Ldelete(try id(), path, radit_H5P_DEFAULT()), "removing \(path)")
    }

    // MARK: Creating datasets

    /// Creates a numeric dataset holding `values` (row-major) with `shape`.
    @discardableResult
    public func createDataset<T: StoreScalar>(_ path: String, values: [T], shape: [Int],
                                              options: DatasetOptions = .contiguous) throws -> StoreDataset {
        guard values.count == shape.reduce(1, *) else {
            throw StoreError.wrongCount(file: filePath, path: childPath(path), shape: shape, count: values.count)
        }
        let ds = try createDataset(path, dtype: T.dtype, shape: shape, options: options)
        try ds.write(values)
        return ds
    }

    /// Creates a 1-D dataset of `values`.
    @discardableResult
    public func createDataset<T: StoreScalar>(_ path: String, values: [T],
                                              options: DatasetOptions = .contiguous) throws -> StoreDataset {
        try createDataset(path, values: values, shape: [values.count], options: options)
    }

    /// Creates a dataset of strings (variable-length UTF-8) with `shape` (default 1-D).
    @discardableResult
    public func createDataset(_ path: String, strings: [String], shape: [Int]? = nil,
                              options: DatasetOptions = .contiguous) throws -> StoreDataset {
        let shape = shape ?? [strings.count]
        guard strings.count == shape.reduce(1, *) else {
            throw StoreError.wrongCount(file: filePath, path: childPath(path), shape: shape, count: strings.count)
        }
        let ds = try createDataset(path, dtype: .string, shape: shape, options: options)
        try ds.write(strings: strings)
        return ds
    }

    /// Creates a dataset of `dtype` and `shape` without writing it (numeric datasets read
    /// as zeros until written); for row-by-row filling with `writeRows`/`appendRows`.
    @discardableResult
    public func createDataset(_ path: String, dtype: DType, shape: [Int],
                              options: DatasetOptions = .contiguous) throws -> StoreDataset {
        let loc = try id()
        try requireWritable()
        try validate(path)
        let full = childPath(path)
        let where_ = Location(file: filePath, path: full)
        if try exists(path) { throw StoreError.alreadyExists(file: filePath, path: full) }
        if case .other(let name) = dtype {
            throw StoreError.invalidName(file: filePath, name: full,
                                         reason: "cannot create a dataset of dtype \(name): use float32, float64, int32, int64, uint8 or string")
        }
        precondition(shape.allSatisfy { $0 >= 0 }, "createDataset(\(full)): negative dimension in \(shape)")
        let extendible = options.extendibleRows && !shape.isEmpty
        let space = try makeSpace(shape, extendible: extendible, location: where_)
        let dcpl = HDF5Handle(try where_.check(H5Pcreate(radit_H5P_DATASET_CREATE()), "creating properties"), closer: H5Pclose)
        let elementSize = dtype == .string ? 16 : MemoryLayout<Int64>.size
        if let chunk = try chunkShape(shape, options: options, elementSize: elementSize, location: where_) {
            try where_.check(H5Pset_chunk(dcpl.raw, Int32(chunk.count), chunk.map { hsize_t($0) }), "setting chunk shape \(shapeText(chunk))")
            if let level = options.gzipLevel {
                guard HDF5Library.zlibAvailable else {
                    throw StoreError.filterUnavailable(file: filePath, path: full, filter: "gzip (deflate)")
                }
                precondition((0...9).contains(level), "gzip level must be 0...9, got \(level)")
                try where_.check(H5Pset_deflate(dcpl.raw, UInt32(level)), "setting gzip level \(level)")
            }
            // Last in the pipeline: the checksum covers the bytes as stored.
            if options.checksum { try where_.check(H5Pset_fletcher32(dcpl.raw), "setting the Fletcher-32 checksum") }
        }
        let typeHandle: HDF5Handle?
        let type: hid_t
        if dtype == .string {
            guard let t = variableStringType() else { throw where_.error("creating string type") }
            typeHandle = t
            type = t.raw
        } else {
            typeHandle = nil
            type = nativeType(dtype)
        }
        let lcpl = try linkCreationProperties()
        let raw = try where_.check(H5Dcreate2(loc, path, type, space.raw, lcpl.raw, dcpl.raw, radit_H5P_DEFAULT()),
                                   "creating dataset")
        withExtendedLifetime(typeHandle) {}
        return StoreDataset(handle: HDF5Handle(raw, closer: H5Dclose), fileHandle: fileHandle, filePath: filePath,
                            path: full, isWritable: isWritable)
    }

    // MARK: Reading datasets

    /// Reads a numeric dataset, checking its dtype and (when given) its shape.
    public func read<T: StoreScalar>(_ path: String, as type: T.Type = T.self, shape: [Int]? = nil) throws -> [T] {
        try dataset(path).read(T.self, shape: shape)
    }

    /// Reads a string dataset, checking its shape when given.
    public func readStrings(_ path: String, shape: [Int]? = nil) throws -> [String] {
        try dataset(path).readStrings(shape: shape)
    }

    /// Shape of the dataset at `path`.
    public func shape(of path: String) throws -> [Int] {
        try dataset(path).shape()
    }

    // MARK: Tensors

    /// Writes a tensor as a dataset of its shape.
    @discardableResult
    public func write<S: BLASScalar & StoreScalar>(_ path: String, tensor: Tensor<S>,
                                                   options: DatasetOptions = .contiguous) throws -> StoreDataset {
        try createDataset(path, values: tensor.scalars, shape: tensor.shape, options: options)
    }

    /// Reads a tensor, checking dtype and (when given) shape.
    public func readTensor<S: BLASScalar & StoreScalar>(_ path: String, as type: S.Type = S.self,
                                                         shape: [Int]? = nil) throws -> Tensor<S> {
        let ds = try dataset(path)
        let values = try ds.read(S.self, shape: shape)
        return Tensor(shape: try ds.shape(), scalars: values)
    }

    // MARK: Internals

    private func requireKind(_ path: String, _ expected: StoreObjectKind) throws {
        guard let found = try kind(of: path) else {
            throw StoreError.missing(file: filePath, path: childPath(path), kind: expected.rawValue)
        }
        if found != expected {
            throw StoreError.wrongKind(file: filePath, path: childPath(path), expected: expected.rawValue, found: found.rawValue)
        }
    }

    func validate(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let inner = path.hasPrefix("/") ? parts.dropFirst() : parts[...]
        if inner.isEmpty || inner.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw StoreError.invalidName(file: filePath, name: path,
                                         reason: "paths are names separated by single '/', without '.', '..' or empty parts")
        }
    }

    private func linkCreationProperties() throws -> HDF5Handle {
        let lcpl = HDF5Handle(try location.check(H5Pcreate(radit_H5P_LINK_CREATE()), "creating link properties"), closer: H5Pclose)
        try location.check(H5Pset_create_intermediate_group(lcpl.raw, 1), "setting link properties")
        return lcpl
    }

    /// The chunk shape to use, or nil for contiguous storage.
    private func chunkShape(_ shape: [Int], options: DatasetOptions, elementSize: Int, location: Location) throws -> [Int]? {
        let extendible = options.extendibleRows && !shape.isEmpty
        guard !shape.isEmpty, options.chunkShape != nil || options.gzipLevel != nil || options.checksum || extendible else {
            return nil
        }
        if let chunk = options.chunkShape {
            let fits = chunk.count == shape.count && zip(chunk, shape).enumerated().allSatisfy { i, pair in
                pair.0 > 0 && (extendible && i == 0 || pair.0 <= max(pair.1, 1))
            }
            guard fits else {
                throw StoreError.wrongShape(file: location.file, path: location.path + " (chunk shape)",
                                            expected: shape, found: chunk)
            }
            return chunk
        }
        // Whole rows, about 1 MiB per chunk; a fixed axis of length 0 cannot be chunked.
        let tail = shape.dropFirst()
        if tail.contains(0) || (!extendible && shape[0] == 0) { return nil }
        let rowBytes = max(1, tail.reduce(1, *) * elementSize)
        var rows = max(1, (1 << 20) / rowBytes)
        if !extendible { rows = min(rows, shape[0]) }
        return [rows] + tail
    }
}
