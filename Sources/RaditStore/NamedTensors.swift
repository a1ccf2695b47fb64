import RaditTensor

/// The name and shape of one tensor in a named group (e.g. `/params/<name>`).
public struct TensorSpec: Hashable, Sendable {
    public var name: String
    public var shape: [Int]
    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }
    public var count: Int { shape.reduce(1, *) }
}

/// Groups of named Float32 tensors: the checkpoint I/O of parameters and optimizer
/// moments. Loading checks every key and shape and names the first one that is wrong.
extension StoreGroup {
    /// Writes each tensor as `<path>/<name>` (creating the group).
    public func writeTensors(_ path: String, _ tensors: [(name: String, tensor: Tensor<Float>)],
                             options: DatasetOptions = .contiguous) throws {
        let group = try requireGroup(path)
        for (name, tensor) in tensors {
            try group.checkTensorName(name)
            try group.createDataset(name, values: tensor.scalars, shape: tensor.shape, options: options)
        }
    }

    /// Writes a flat arena (llm.c style: all tensors back to back in `specs` order) as
    /// `<path>/<name>` datasets.
    public func writeTensors(_ path: String, specs: [TensorSpec], flat: [Float],
                             options: DatasetOptions = .contiguous) throws {
        let total = specs.reduce(0) { $0 + $1.count }
        guard flat.count == total else {
            throw StoreError.wrongCount(file: filePath, path: childPath(path), shape: [total], count: flat.count)
        }
        let group = try requireGroup(path)
        var offset = 0
        for spec in specs {
            try group.checkTensorName(spec.name)
            try group.createDataset(spec.name, values: Array(flat[offset..<(offset + spec.count)]), shape: spec.shape,
                                    options: options)
            offset += spec.count
        }
    }

    /// Reads exactly the tensors of `specs` from `<path>`, in `specs` order; a missing
    /// name, an extra name or a wrong shape throws naming it.
    public func readTensors(_ path: String, expecting specs: [TensorSpec]) throws -> [Tensor<Float>] {
        let group = try checkedTensorGroup(path, specs)
        return try specs.map { spec in
            Tensor(shape: spec.shape, scalars: try group.read(spec.name, as: Float.self, shape: spec.shape))
        }
    }

    /// Reads `<path>` into a flat arena laid out in `specs` order, checking keys and shapes.
    public func readTensors(_ path: String, expecting specs: [TensorSpec], into flat: inout [Float]) throws {
        let total = specs.reduce(0) { $0 + $1.count }
        guard flat.count == total else {
            throw StoreError.wrongCount(file: filePath, path: childPath(path), shape: [total], count: flat.count)
        }
        let group = try checkedTensorGroup(path, specs)
        var offset = 0
        for spec in specs {
            let values = try group.read(spec.name, as: Float.self, shape: spec.shape)
            flat.replaceSubrange(offset..<(offset + spec.count), with: values)
            offset += spec.count
        }
    }

    /// Every Float32 tensor in `<path>`, in name order.
    public func readTensors(_ path: String) throws -> [(name: String, tensor: Tensor<Float>)] {
        let group = try self.group(path)
        return try group.children().filter { $0.kind == .dataset }.map { child in
            (child.name, try group.readTensor(child.name, as: Float.self))
        }
    }

    /// The specs (names and shapes) stored in `<path>`, in name order.
    public func tensorSpecs(_ path: String) throws -> [TensorSpec] {
        let group = try self.group(path)
        return try group.children().filter { $0.kind == .dataset }.map {
            TensorSpec(name: $0.name, shape: try group.shape(of: $0.name))
        }
    }

    private func checkedTensorGroup(_ path: String, _ specs: [TensorSpec]) throws -> StoreGroup {
        let group = try self.group(path)
        let stored = Set(try group.children().map(\.name))
        for spec in specs where !stored.contains(spec.name) {
            throw StoreError.missing(file: filePath, path: group.childPath(spec.name), kind: "tensor")
        }
        let expected = Set(specs.map(\.name))
        if let extra = stored.subtracting(expected).sorted().first {
            throw StoreError.unexpectedTensor(file: filePath, path: group.childPath(extra))
        }
        return group
    }

    func checkTensorName(_ name: String) throws {
        if name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw StoreError.invalidName(file: filePath, name: name, reason: "tensor names cannot be empty or contain '/'")
        }
    }
}
